/**
 * diag.name-not-resolved: a host asked DNS for the address (A/AAAA) of a name and got none — every response an error
 * ("No such name", "Server failure", "Refused"...), or "No error" with no answer, or no response at all — and that
 * host opened no MQTT connection (nor tried an MQTT port) from its first such query on: the client never learned the
 * broker's address. One diagnosis per host, naming its names, the DNS server, what it answered and how often. When
 * MQTT works elsewhere in the capture, a name is judged only when it is a near miss (edit distance 1–2) of a name
 * that resolved to a broker's address ("meant", high confidence) or a single label as Docker service names are
 * (medium): another host's failed lookup of some unrelated name is no MQTT fault.
 * Lookups that are noise on any network (wpad, isatap, _service names, .local, .arpa) are not judged. Reads the DNS
 * events (UDP port 53 only: DNS over TCP, mDNS, LLMNR and a resolver inside the client such as Docker's 127.0.0.11
 * on the container's loopback are not seen); bounded to 10 000 host–name pairs.
 */
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import { hostOf, isMqtt, portOf } from './book.js';
import { KNOWN_MQTT_PORTS, type Detector, type FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';
import { editDistance } from './topic-similarity.js';

const MAX_LOOKUPS = 10_000;
/** Transaction ids awaiting their response, per host–name pair. */
const MAX_PENDING = 64;
/** A lookup never answered counts once the capture went on this long after its first query (resolvers retry at 1–5 s). */
const NO_ANSWER_SECONDS = 1;
/** Names asked for on every network and failing harmlessly. */
const NOISE = /^(wpad|isatap)(\.|$)|(^|\.)_|\.(local|arpa)$/i;

interface Lookup {
  host: string;
  name: string;
  server: string;
  firstTime: number;
  frames: FrameSet;
  queries: number;
  responses: number;
  types: Set<string>;
  /** Wireshark's words for the error answers, with how many of each ("No error" standing for an empty answer). */
  answers: Map<string, number>;
  pending: Set<number>;
  resolved: boolean;
}

export class NameResolutionDetector implements Detector {
  readonly reads = ['other'] as const;
  private readonly lookups = new Map<string, Lookup>();
  /** Names that resolved, with the addresses answered (bounded like the lookups). */
  private readonly resolved = new Map<string, Set<string>>();

  event(e: TimelineEvent): void {
    if (e.kind !== 'packet' || e.layer !== 'ip' || e.dns === undefined) return;
    const m = e.dns;
    if (m.opcode !== 0 || m.name === undefined || (m.qtype !== 1 && m.qtype !== 28) || NOISE.test(m.name)) return;
    const host = hostOf(m.response ? e.dst : e.src);
    const key = `${host}|${m.name.toLowerCase()}`;
    let l = this.lookups.get(key);
    if (m.response && m.rcode === 0 && m.addresses.length > 0) this.addresses(m.name, m.addresses);
    if (l === undefined) {
      if (m.response || this.lookups.size >= MAX_LOOKUPS) return;
      l = { host, name: m.name, server: hostOf(e.dst), firstTime: e.time, frames: new FrameSet(), queries: 0, responses: 0,
        types: new Set(), answers: new Map(), pending: new Set(), resolved: false };
      this.lookups.set(key, l);
    }
    if (l.resolved) return;
    l.frames.add(e.frame, e.time);
    if (!m.response) {
      l.queries++;
      l.types.add(m.qtypeName ?? String(m.qtype));
      if (l.pending.size < MAX_PENDING) l.pending.add(m.id);
      return;
    }
    l.responses++;
    l.pending.delete(m.id);
    // Its addresses were noted above, for every response.
    if (m.rcode === 0 && m.answers > 0) { l.resolved = true; return; }
    l.answers.set(m.rcodeName, (l.answers.get(m.rcodeName) ?? 0) + 1);
  }

  private addresses(name: string, addresses: readonly string[]): void {
    let set = this.resolved.get(name);
    if (set === undefined) {
      if (this.resolved.size >= MAX_LOOKUPS) return;
      this.resolved.set(name, set = new Set());
    }
    for (const a of addresses) if (set.size < MAX_PENDING) set.add(a);
  }

  /** The names that resolved to one of these hosts (the brokers'). */
  private brokerNames(brokers: ReadonlySet<string>): string[] {
    const names: string[] = [];
    for (const [name, addresses] of this.resolved) if ([...addresses].some((a) => brokers.has(a))) names.push(name);
    return names;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const byHost = new Map<string, Lookup[]>();
    for (const l of this.lookups.values()) {
      if (l.resolved || l.queries === 0) continue;
      if (l.responses === 0 && ctx.captureEnd - l.firstTime < NO_ANSWER_SECONDS) continue;
      const list = byHost.get(l.host) ?? [];
      list.push(l);
      byHost.set(l.host, list);
    }
    if (byHost.size === 0) return;
    // A host that reached (or tried) an MQTT port from its first failed lookup on was not stopped by it.
    const mqttSince = new Map<string, number>();
    const brokers = new Set<string>();
    for (const r of ctx.book.all()) {
      if (isMqtt(r)) brokers.add(hostOf(r.server));
      if (!isMqtt(r) && !KNOWN_MQTT_PORTS.has(portOf(r.server))) continue;
      const host = hostOf(r.client);
      const last = r.end?.time ?? r.firstTime;
      mqttSince.set(host, Math.max(mqttSince.get(host) ?? Number.NEGATIVE_INFINITY, last));
    }
    const brokerNames = this.brokerNames(brokers);
    for (const [host, all] of byHost) {
      const first = Math.min(...all.map((l) => l.firstTime));
      if ((mqttSince.get(host) ?? Number.NEGATIVE_INFINITY) >= first) continue;
      // With MQTT in the capture, only a near miss of a broker's name, or a single label (a service name), is judged.
      const meant = new Map<Lookup, string>();
      for (const l of all) {
        const name = l.name.toLowerCase();
        const near = brokerNames.find((b) => b.toLowerCase() !== name && editDistance(name, b.toLowerCase(), 3) <= 2);
        if (near !== undefined) meant.set(l, near);
      }
      const lookups = brokers.size === 0 ? all : all.filter((l) => meant.has(l) || !l.name.includes('.'));
      if (lookups.length === 0) continue;
      lookups.sort((a, b) => a.firstTime - b.firstTime);
      const frames = new FrameSet();
      const answers = new Map<string, number>();
      let queries = 0;
      let responses = 0;
      let unanswered = 0;
      const types = new Set<string>();
      for (const l of lookups) {
        frames.merge(l.frames);
        queries += l.queries;
        responses += l.responses;
        unanswered += l.pending.size;
        for (const t of l.types) types.add(t);
        for (const [a, n] of l.answers) answers.set(a, (answers.get(a) ?? 0) + n);
      }
      const l0 = lookups[0]!;
      const meantName = meant.get(l0);
      ctx.unresolvedHosts.add(host);
      const noAnswer = responses === 0;
      const answerWords = [...answers.entries()].sort((a, b) => b[1] - a[1]).map(([a]) => a);
      emit(makeDiagnosis({
        code: 'diag.name-not-resolved', layer: 'ip', frames, time: frames.firstTime ?? l0.firstTime, src: host, dst: l0.server,
        facts: {
          host, name: l0.name, names: lookups.slice(0, 5).map((l) => l.name), server: l0.server,
          queries, responses, unanswered, types: [...types], answers: answerWords, noAnswer,
          ...(meantName !== undefined ? { meant: meantName } : {}),
        },
        confidence: meantName !== undefined || brokers.size === 0 ? 'high' : 'medium',
        causes: noAnswer ? ['dns-server-silent', 'broker-name-typo'] : ['broker-name-typo', 'service-name-differs', 'default-bridge-no-dns'],
        checks: noAnswer ? ['resolv-conf', 'resolve-in-container'] : ['resolve-in-container', 'compose-service-names', 'compose-network'],
      }));
    }
  }
}
