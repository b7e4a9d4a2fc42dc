/**
 * Can the clients reach the broker, and did it stay up? diag.broker-stopped (every open connection to a broker
 * dropped by it within a short window, then new ones refused), diag.broker-restarted (the same, and then it accepted
 * sessions again; under a single session only when that client came back and the drop answered nothing it sent), diag.broker-unreachable (SYNs to an MQTT port
 * refused by RST or never answered), diag.connection-limit (connections the broker accepted and closed at once, before
 * the client said anything, while it kept others open: its connection limit) and diag.connect-unanswered (a CONNECT
 * closed without CONNACK; said as a plain client on a TLS port when the CONNECT went in clear to 8883/8884 or to a
 * server that spoke TLS). Works from the connection book at the end of the capture; the CONNACK codes themselves are
 * connack.ts's. Unanswered SYNs while the same broker answered other hosts are said as this client's packets dropped
 * on the way, and after it had answered in the capture (and never since) as a broker that went away. ARP requests for
 * an address nothing in the capture came from, by a host that then reached no MQTT port, are diag.broker-unreachable
 * too (outcome no-arp): the client could not even find that address on its network (the host down, a wrong address).
 */
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import type { NeighborMessage } from '../model/sink.js';
import { clientName, handshakeOf, hostOf, isMqtt, plainConnectOnTlsPort, portOf, sentBy, sessionEndOf, tlsServersOf, type ConnectionRecord } from './book.js';
import { KNOWN_MQTT_PORTS, type Detector, type FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { silentPastKeepAlive } from './keepalive.js';
import { makeDiagnosis } from './make.js';

/** Connections the broker drops within this many seconds of each other count as one stop. */
export const STOP_WINDOW_SECONDS = 2;
/** A broker that closes a connection this soon after the client's last packet may be answering it (a protocol error). */
export const ANSWER_SECONDS = 0.05;

/** A broker at its connection limit closes a new connection at once: within this many seconds of its SYN. */
const LIMIT_CLOSE_SECONDS = 1;
/** ARP: (host, address) pairs of requests remembered, and addresses heard from, at most. */
const MAX_ARP = 10_000;
/** An address asked for at least this many times, over at least ARP_SECONDS, unanswered (the kernel asks 3 times, 1 s apart). */
const ARP_REQUESTS = 2;
const ARP_SECONDS = 0.9;
/** A host asking for more addresses than this that nobody answers is scanning its network, not reaching a broker. */
const ARP_SCAN = 4;

/** The ARP requests of one host for one address. */
interface ArpAsk { asker: string; target: string; frames: FrameSet; requests: number; firstTime: number; lastTime: number; ndp?: true }

/** A connection attempt's frames: its SYNs (the first with its time), else its first frame (with its time). */
function addAttempt(frames: FrameSet, r: ConnectionRecord): void {
  if (r.synFrames.length === 0) { frames.add(r.firstFrame, r.firstTime); return; }
  frames.add(r.synFrames[0]!, r.firstSynTime);
  frames.addAll(r.synFrames.slice(1));
}

/** The same client on two connections: the same client id, or (without one) the same host. */
function sameClient(a: ConnectionRecord, b: ConnectionRecord): boolean {
  const ida = a.connect?.clientId ?? a.session?.clientId;
  const idb = b.connect?.clientId ?? b.session?.clientId;
  if (ida !== undefined && ida !== '' && idb !== undefined && idb !== '') return ida === idb;
  return hostOf(a.client) === hostOf(b.client);
}

function droppedByBroker(r: ConnectionRecord): { time: number; frame: number } | undefined {
  const end = sessionEndOf(r);
  if (end === undefined) return undefined;
  if (end.reason === 'broker-closed' || (end.reason === 'reset' && end.closedBy === 'server')
    || (end.reason === 'broker-disconnect' && end.reasonCode === 0x8b)) return { time: end.time, frame: end.frame };
  return undefined;
}

/** Dropped by the broker after a silence of its client past 1.5 × the keep-alive. */
function droppedForSilence(r: ConnectionRecord): boolean {
  const drop = droppedByBroker(r);
  return drop !== undefined && silentPastKeepAlive(r, drop.time);
}

function endTime(r: ConnectionRecord): number {
  return sessionEndOf(r)?.time ?? r.end?.time ?? Number.POSITIVE_INFINITY;
}

export class ReachabilityDetector implements Detector {
  /** ARP packets (the rest of what `event` is given passes at once). */
  readonly reads = ['other'] as const;
  private readonly arpAsks = new Map<string, ArpAsk>();
  /** Addresses that sent any ARP packet: they are on the network. */
  private readonly arpHeard = new Set<string>();

  event(e: TimelineEvent): void {
    if (e.kind !== 'packet' || e.layer !== 'arp') return;
    if (this.arpHeard.size < MAX_ARP) this.arpHeard.add(e.senderIp);
    // Requests only; not an announcement (sender = target) nor a probe (sender 0.0.0.0).
    if (e.type !== 'who-has' || e.senderIp === e.targetIp || e.senderIp === '0.0.0.0') return;
    this.ask(e.senderIp, e.targetIp, e.frame, e.time, false);
  }

  /**
   * IPv6's ARP: a Neighbor Solicitation asks for `target`'s link-layer address, an Advertisement answers. Counted as
   * ARP requests are; not a Duplicate Address Detection probe (from ::) nor a host asking for its own address.
   */
  neighbor(m: NeighborMessage): void {
    if (m.src !== '::' && this.arpHeard.size < MAX_ARP) this.arpHeard.add(m.src);
    if (m.type === 'advertisement') {
      if (this.arpHeard.size < MAX_ARP) this.arpHeard.add(m.target);
      return;
    }
    if (m.src === '::' || m.src === m.target) return;
    this.ask(m.src, m.target, m.frame, m.time, true);
  }

  /** A request of `asker` for `target`'s link-layer address (ARP, or an IPv6 Neighbor Solicitation). */
  private ask(asker: string, target: string, frame: number, time: number, ndp: boolean): void {
    const key = `${asker}|${target}`;
    let ask = this.arpAsks.get(key);
    if (ask === undefined) {
      if (this.arpAsks.size >= MAX_ARP) return;
      ask = { asker, target, frames: new FrameSet(), requests: 0, firstTime: time, lastTime: time, ...(ndp ? { ndp: true as const } : {}) };
      this.arpAsks.set(key, ask);
    }
    ask.frames.add(frame, time);
    ask.requests++;
    ask.lastTime = time;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const records = [...ctx.book.all()];
    const mqttServers = new Set(records.filter((r) => isMqtt(r) && r.connack?.accepted !== false).map((r) => r.server));
    const mqttPorts = new Set([...KNOWN_MQTT_PORTS, ...[...mqttServers].map(portOf)]);
    const failed = records.filter((r) => {
      const h = handshakeOf(r);
      // A port scan's probes (port-scan.ts) are no client trying to reach a broker.
      return (h === 'refused' || h === 'unanswered') && mqttPorts.has(portOf(r.server)) && !ctx.explained.has(r.stream);
    });
    for (const r of failed) ctx.attempted.add(r.server);
    for (const r of records) if (isMqtt(r)) ctx.attempted.add(r.server);

    const turnedAway = this.limitReached(ctx, records, emit);
    const explainedFailures = new Set<number>();
    const tlsServers = tlsServersOf(records);
    for (const server of mqttServers) this.stopped(ctx, server, records, failed, explainedFailures, tlsServers, emit);

    const byServer = new Map<string, ConnectionRecord[]>();
    for (const r of failed) {
      if (explainedFailures.has(r.stream)) continue;
      const list = byServer.get(r.server) ?? [];
      list.push(r);
      byServer.set(r.server, list);
    }
    for (const [server, list] of byServer) this.unreachable(server, list, records, mqttServers, emit);
    this.unansweredConnects(ctx, records.filter((r) => !turnedAway.has(r.stream)), tlsServers, emit);
    this.unansweredArp(ctx, records, mqttServers, emit);
  }

  /**
   * Addresses asked for by ARP (at least twice, over ARP_SECONDS) that never answered nor sent anything in the capture,
   * by a host that reached no MQTT port from its first request on: a client whose connection could not even start,
   * the broker host down or the address wrong. One diagnosis per address, naming the brokers the capture shows.
   */
  private unansweredArp(ctx: FinishContext, records: ConnectionRecord[], mqttServers: Set<string>, emit: (finding: FindingEvent) => void): void {
    const heard = new Set([...this.arpHeard, ...ctx.summary.hosts.map((h) => h.ip)]);
    const asks = [...this.arpAsks.values()].filter((a) => !heard.has(a.target));
    const perAsker = new Map<string, number>();
    for (const a of asks) perAsker.set(a.asker, (perAsker.get(a.asker) ?? 0) + 1);
    const byTarget = new Map<string, ArpAsk[]>();
    for (const a of asks) {
      if (a.requests < ARP_REQUESTS || a.lastTime - a.firstTime < ARP_SECONDS || perAsker.get(a.asker)! > ARP_SCAN) continue;
      // A host that reached (or tried) an MQTT port after asking was not stopped by this address.
      if (records.some((r) => hostOf(r.client) === a.asker && r.firstTime >= a.firstTime
        && (isMqtt(r) || KNOWN_MQTT_PORTS.has(portOf(r.server))))) continue;
      const list = byTarget.get(a.target) ?? [];
      list.push(a);
      byTarget.set(a.target, list);
    }
    for (const [target, list] of byTarget) {
      const frames = new FrameSet();
      for (const a of list) frames.merge(a.frames);
      const first = Math.min(...list.map((a) => a.firstTime));
      const last = Math.max(...list.map((a) => a.lastTime));
      const brokers = [...mqttServers].slice(0, 3);
      ctx.attempted.add(target);
      emit(makeDiagnosis({
        code: 'diag.broker-unreachable', layer: 'ip', frames, time: frames.firstTime ?? first, src: list[0]!.asker, dst: target,
        facts: {
          server: target, outcome: 'no-arp', arpRequests: list.reduce((n, a) => n + a.requests, 0), ...(list.some((a) => a.ndp === true) ? { ndp: true } : {}),
          durationSeconds: Number((last - first).toFixed(6)), clients: list.map((a) => a.asker),
          ...(brokers.length > 0 ? { brokers } : {}),
        },
        confidence: brokers.length > 0 ? 'high' : 'medium',
        causes: brokers.length > 0 ? ['wrong-address', 'host-down'] : ['host-down', 'wrong-address'],
        checks: ['broker-address', 'route-ping'],
      }));
    }
  }

  private stopped(ctx: FinishContext, server: string, records: ConnectionRecord[], failed: ConnectionRecord[],
    explainedFailures: Set<number>, tlsServers: ReadonlySet<string>, emit: (finding: FindingEvent) => void): void {
    // A connection opened in the capture whose client never sent CONNECT is no session: the broker must close it
    // (MQTT-3.1.0-1), whether it runs or not. Nor is a CONNECT in clear on a TLS port: the TLS layer refuses it. Nor
    // a session the broker dropped after its client's silence past the keep-alive: a running broker does that, and
    // clients that fell silent together (their host lost its link) are dropped in one sweep (diag.keepalive-dropped).
    // Nor a connection whose CONNACK refused the client: the broker closes it right after (MQTT-3.2.2-5), running
    // (diag.connack-refused; fixtures/edge/early.pcap, two refused in a row were "the broker stopped").
    const sessions = records.filter((r) => r.server === server && isMqtt(r) && !ctx.explained.has(r.stream)
      && !(r.synSeen === true && r.connect === undefined) && !plainConnectOnTlsPort(r, tlsServers) && !droppedForSilence(r)
      && r.connack?.accepted !== false);
    const drops = sessions.map((r) => ({ r, drop: droppedByBroker(r) })).filter((x): x is { r: ConnectionRecord; drop: { time: number; frame: number } } => x.drop !== undefined)
      .sort((a, b) => a.drop.time - b.drop.time);
    for (let i = 0; i < drops.length; i++) {
      const t = drops[i]!.drop.time;
      const cluster = drops.filter((x) => x.drop.time >= t && x.drop.time <= t + STOP_WINDOW_SECONDS);
      // Every session open at t must be among the dropped ones.
      const open = sessions.filter((r) => r.firstTime <= t && endTime(r) >= t);
      if (!open.every((r) => cluster.some((x) => x.r === r))) continue;
      const last = Math.max(...cluster.map((x) => x.drop.time));
      // A stopped broker accepts no new session meanwhile.
      if (sessions.some((r) => r.connack?.accepted === true && r.connack.time >= t && r.connack.time <= last)) continue;
      // Did it come back? The first connection to it accepted (SYN-ACK) after the last drop, and the sessions after.
      const back = records.filter((r) => r.server === server && r.firstTime > last && handshakeOf(r) === 'complete')
        .sort((a, b) => a.firstTime - b.firstTime);
      const backAt = back[0]?.firstTime;
      // Refusals while it was down (before it came back) are part of the stop.
      const after = failed.filter((r) => r.server === server && r.firstTime >= t && (backAt === undefined || r.firstTime < backAt));
      const reconnected = back.filter((r) => r.connack?.accepted === true);
      if (cluster.length < 2 && after.length === 0 && !this.restartedUnder(cluster[0]!, reconnected)) continue;
      const frames = new FrameSet();
      for (const x of cluster) { frames.add(x.drop.frame, x.drop.time); ctx.explained.add(x.r.stream); }
      for (const r of after) { explainedFailures.add(r.stream); addAttempt(frames, r); if (r.rst !== undefined) frames.add(r.rst.frame, r.rst.time); }
      const facts = {
        server, stoppedAt: Number(t.toFixed(6)), windowSeconds: Number((last - t).toFixed(6)), dropped: cluster.length,
        clients: cluster.map((x) => clientName(x.r)), refusedAfter: after.length,
      };
      if (backAt === undefined || reconnected.length === 0) {
        emit(makeDiagnosis({
          code: 'diag.broker-stopped', layer: 'tcp', frames, time: frames.firstTime ?? t, dst: server, facts,
          causes: ['broker-stopped'], checks: ['broker-log', 'broker-running', 'restart-policy'],
        }));
        return;
      }
      // It came back: the first accepted handshake and the first accepted sessions prove it.
      const backSyn = back[0]!.synFrames[0];
      if (backSyn !== undefined) frames.add(backSyn, back[0]!.firstSynTime);
      for (const r of reconnected.slice(0, 5)) frames.add(r.connack!.frame, r.connack!.time);
      const droppedSubscribers = cluster.filter((x) => x.r.subscribes > 0).map((x) => x.r);
      const notResubscribed = droppedSubscribers.filter((d) => {
        const again = reconnected.find((r) => sameClient(r, d));
        return again !== undefined && again.subscribes === 0 && again.connack?.sessionPresent !== true;
      }).map(clientName);
      emit(makeDiagnosis({
        code: 'diag.broker-restarted', layer: 'tcp', frames, time: frames.firstTime ?? t, dst: server,
        facts: {
          ...facts, backAt: Number(backAt.toFixed(6)), downSeconds: Number((backAt - last).toFixed(6)),
          sessionsAfter: reconnected.length, reconnected: [...new Set(reconnected.map(clientName))].slice(0, 20),
          ...(notResubscribed.length > 0 ? { notResubscribed } : {}),
        },
        causes: notResubscribed.length > 0 ? ['broker-restarted', 'no-resubscribe'] : ['broker-restarted', 'lost-while-down'],
        checks: notResubscribed.length > 0 ? ['subscribe-on-connect', 'broker-log', 'restart-policy'] : ['broker-log', 'restart-policy', 'subscribe-on-connect'],
      }));
      return;
    }
  }

  /**
   * One session dropped by the broker, with no refusal after it, is a restart only when the same client was accepted
   * again afterwards and the drop did not answer something the client had just sent (a broker closes at once on a
   * protocol error, e.g. an invalid topic filter) nor end a silence past its keep-alive. Silence is judged by the one
   * rule, silentPastKeepAlive (keepalive.ts: the keep-alive the broker enforces, MQTT 5 Server Keep Alive first, from
   * the CONNECT or the client's last packet, with its margin); sessions it holds silent never come here (stopped()
   * leaves them out), and it is asked again so that this judgement cannot drift from it.
   */
  private restartedUnder(dropped: { r: ConnectionRecord; drop: { time: number } }, reconnected: ConnectionRecord[]): boolean {
    const r = dropped.r;
    if (!reconnected.some((x) => sameClient(x, r))) return false;
    const lastSent = r.lastClientPacket?.time ?? r.firstTime;
    if (dropped.drop.time - lastSent < ANSWER_SECONDS) return false;
    return !silentPastKeepAlive(r, dropped.drop.time);
  }

  private unreachable(server: string, list: ConnectionRecord[], records: ConnectionRecord[], mqttServers: Set<string>,
    emit: (finding: FindingEvent) => void): void {
    const refused = list.filter((r) => handshakeOf(r) === 'refused');
    const unanswered = list.filter((r) => handshakeOf(r) === 'unanswered');
    const frames = new FrameSet();
    let synAttempts = 0;
    for (const r of list) {
      addAttempt(frames, r);
      if (r.rst !== undefined) frames.add(r.rst.frame, r.rst.time);
      else if (r.end !== undefined && r.synFrames.length === 0) frames.add(r.end.frame, r.end.time);
      synAttempts += Math.max(r.end?.synAttempts ?? 0, r.syns, 1);
    }
    const host = hostOf(server);
    const otherPorts = [...mqttServers].filter((s) => hostOf(s) === host && s !== server).map(portOf);
    const outcome = unanswered.length === 0 ? 'refused' : refused.length === 0 ? 'unanswered' : 'mixed';
    const first = Math.min(...list.map((r) => r.firstTime));
    const last = Math.max(...list.map((r) => Math.max(r.lastSynTime ?? r.firstTime, r.rst?.time ?? 0, r.end?.time ?? 0)));
    // SYNs unanswered while the same broker, at the same address and port, accepted other hosts: the address is right
    // and the broker up, so something drops these clients' packets.
    // Heard from after the first unanswered SYN: the broker was up (and the address right); heard from only before:
    // it was there at this address, and went away (or a firewall began dropping).
    const clients = new Set(list.map((r) => hostOf(r.client)));
    const heard = outcome === 'unanswered'
      ? records.filter((r) => r.server === server && sentBy(r, 'server').segments > 0) : [];
    const answeredOthers = [...new Set(heard.filter((r) => !clients.has(hostOf(r.client)) && sentBy(r, 'server').lastTime >= first)
      .map((r) => hostOf(r.client)))].slice(0, 5);
    const before = answeredOthers.length === 0 && heard.every((r) => sentBy(r, 'server').lastTime < first) ? heard : [];
    const answeredBefore = [...new Set(before.map((r) => hostOf(r.client)))].slice(0, 5);
    const lastHeardAt = Math.max(...before.map((r) => sentBy(r, 'server').lastTime));
    const causes = outcome === 'refused'
      ? (otherPorts.length > 0 ? ['wrong-port', 'broker-not-running', 'broker-local-only'] : ['broker-not-running', 'wrong-port', 'broker-local-only'])
      : answeredOthers.length > 0 ? ['firewall-drops-client'] : answeredBefore.length > 0 ? ['peer-gone'] : ['wrong-address', 'firewall-drops', 'host-down'];
    const checks = outcome === 'refused' ? ['broker-running', 'listener-port'] : answeredOthers.length > 0 ? ['firewall', 'route-ping']
      : answeredBefore.length > 0 ? ['route-ping', 'broker-running', 'firewall'] : ['broker-address', 'route-ping', 'firewall'];
    emit(makeDiagnosis({
      code: 'diag.broker-unreachable', layer: 'tcp', frames, time: frames.firstTime ?? first, src: list[0]!.client, dst: server,
      facts: {
        server, outcome, attempts: list.length, refused: refused.length, unanswered: unanswered.length, synAttempts,
        durationSeconds: Number((last - first).toFixed(6)), clients: [...clients],
        ...(otherPorts.length > 0 ? { otherPorts } : {}), ...(answeredOthers.length > 0 ? { answeredOthers } : {}),
        ...(answeredBefore.length > 0 ? { answeredBefore, lastHeardAt: Number(lastHeardAt.toFixed(6)) } : {}),
      },
      causes, checks,
    }));
  }

  /**
   * Connections the broker accepted (handshake complete) and closed (FIN or RST from its side) before the client's
   * first MQTT packet, without a word of MQTT, while at least one other session with it was accepted and open: a
   * running broker that takes no more connections (mosquitto's `max_connections`: accept, close at once, then RST to
   * the CONNECT that was already on its way). Grouped per broker.
   */
  private limitReached(ctx: FinishContext, records: ConnectionRecord[], emit: (finding: FindingEvent) => void): Set<number> {
    const turnedAway = new Set<number>();
    const byServer = new Map<string, Array<{ r: ConnectionRecord; close: { frame: number; time: number; reset: boolean }; open: number }>>();
    for (const r of records) {
      if (ctx.explained.has(r.stream) || !(r.synFrames.length > 0 || r.synSeen === true) || handshakeOf(r) !== 'complete') continue;
      if (sentBy(r, 'server').mqtt > 0 || r.websocket) continue;
      const fin = r.fin?.from === r.server ? r.fin : undefined;
      const rst = r.rst?.from === r.server ? r.rst : undefined;
      const first = rst !== undefined && (fin === undefined || rst.frame < fin.frame) ? rst : fin;
      if (first === undefined) continue;
      // The client had said nothing yet, MQTT or other bytes (a TLS ClientHello): its CONNECT, if any, came after the close.
      if (r.firstClientPacket !== undefined && r.firstClientPacket.frame < first.frame) continue;
      if (r.firstClientData !== undefined && r.firstClientData < first.frame) continue;
      if (r.fin?.from === r.client && r.fin.frame < first.frame) continue;
      // At once: a broker that waited (its timeout for the CONNECT of a silent client, diag.silent-connection) did not turn it away.
      if (first.time - (r.firstSynTime ?? r.firstTime) > LIMIT_CLOSE_SECONDS) continue;
      const open = records.filter((o) => o !== r && o.server === r.server && o.connack?.accepted === true
        && o.connack.time <= first.time && endTime(o) >= first.time).length;
      if (open === 0) continue;
      const list = byServer.get(r.server) ?? [];
      list.push({ r, close: { frame: first.frame, time: first.time, reset: first === rst }, open });
      byServer.set(r.server, list);
    }
    for (const [server, list] of byServer) {
      list.sort((a, b) => a.close.frame - b.close.frame);
      const frames = new FrameSet();
      for (const { r, close } of list) {
        // The SYN (when captured), the broker's close and its RST, each with its time: the first is the diagnosis' time.
        const syn = r.synFrames[0];
        if (syn !== undefined) frames.add(syn, r.firstSynTime);
        frames.add(close.frame, close.time);
        if (r.rst !== undefined && r.rst.from === server) frames.add(r.rst.frame, r.rst.time);
        ctx.explained.add(r.stream);
        turnedAway.add(r.stream);
      }
      const first = list[0]!;
      const resets = list.filter((x) => x.close.reset).length;
      emit(makeDiagnosis({
        code: 'diag.connection-limit', layer: 'tcp', frames, time: frames.firstTime ?? first.close.time, src: first.r.client, dst: server,
        ...(list.length === 1 ? { stream: first.r.stream } : {}),
        facts: {
          server, count: list.length, clients: [...new Set(list.map((x) => clientName(x.r)))],
          openSessions: Math.max(...list.map((x) => x.open)),
          connectsCut: list.filter((x) => x.r.connect !== undefined).length,
          closedWith: resets === list.length ? 'reset' : resets === 0 ? 'close' : 'mixed',
        },
        causes: ['connection-limit', 'connection-leak'],
        checks: ['max-connections', 'broker-log'],
      }));
    }
    return turnedAway;
  }

  private unansweredConnects(ctx: FinishContext, records: ConnectionRecord[], tlsServers: ReadonlySet<string>,
    emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, { records: ConnectionRecord[]; closedBy: string; plainOnTls: boolean; malformed?: { frame: number; code: string } }>();
    for (const r of records) {
      if (r.connect === undefined || r.connack !== undefined || sentBy(r, 'server').mqtt > 0) continue;
      const end = sessionEndOf(r);
      // Evicted from a full connection table (--max-connections): the analysis forgot it, the broker closed nothing.
      if (end === undefined || end.reason === 'disconnect' || end.reason === 'evicted') continue;
      const closedBy = end.closedBy ?? 'server';
      const plainOnTls = closedBy === 'server' && plainConnectOnTlsPort(r, tlsServers);
      const key = `${r.server}|${r.connect.clientId ?? ''}|${closedBy}|${plainOnTls}`;
      const g = groups.get(key) ?? { records: [], closedBy, plainOnTls };
      g.records.push(r);
      // The CONNECT the MQTT reader found malformed (e.g. an overlong MQTT 5 Property Length, which Mosquitto closes on).
      const first = r.firstClientPacket;
      if (g.malformed === undefined && !plainOnTls && first?.type === 'CONNECT' && first.malformed !== undefined) g.malformed = { frame: first.frame, code: first.malformed };
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      const frames = new FrameSet();
      for (const r of g.records) {
        frames.add(r.connect!.frame, r.connect!.time);
        const end = sessionEndOf(r);
        if (end !== undefined) frames.add(end.frame, end.time);
        ctx.explained.add(r.stream);
      }
      const r = g.records[0]!;
      emit(makeDiagnosis({
        code: 'diag.connect-unanswered', layer: 'mqtt', frames, time: frames.firstTime ?? r.connect!.time, src: r.client, dst: r.server, stream: r.stream,
        facts: { client: clientName(r), server: r.server, closedBy: g.closedBy, count: g.records.length, ...(g.plainOnTls ? { tlsPort: true } : {}),
          ...(g.malformed !== undefined ? { malformedFrame: g.malformed.frame, malformedCode: g.malformed.code } : {}) },
        causes: g.plainOnTls ? ['plain-client-on-tls-port'] : g.malformed !== undefined && g.closedBy === 'server' ? ['malformed-connect']
          : g.closedBy === 'server' ? ['malformed-connect', 'protocol-version', 'not-mqtt-server'] : ['server-unavailable', 'not-mqtt-server'],
        checks: g.plainOnTls ? ['tls-on', 'broker-log'] : ['connect-packet', 'broker-log', 'protocol-version'],
      }));
    }
  }
}
