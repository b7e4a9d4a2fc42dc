/**
 * Lays the report out: the analysis in prose first (who is who, what happened, the conclusion), then the story step
 * by step, the tables (hosts, sessions, topics, latency, findings), the pictures and the timeline appendix. It
 * decides what goes where from the facts; the language decides the words; the renderers decide the markup.
 */
import { emptyClientIdRule } from '../mqtt/empty-client-id.js';
import { PROTOCOL_VERSIONS } from '../model/names.js';
import type { FindingEvent } from '../model/events.js';
import { code, type Block, type Inline, type ReportDocument } from './document.js';
import type { ConnectionFact, ReportFacts } from './facts.js';
import { renderFlowSvg } from './flow-svg.js';
import { renderMermaid } from './mermaid.js';
import { renderRateSvg } from './rate-svg.js';
import { storySteps } from './story.js';
import type { HostPart, Overview, Problem, Who, Words } from './words.js';

/** Lines of the "who is who" list and rows of the hosts and topics tables, at most. */
const MAX_LISTED = 20;
const MAX_ROWS = 50;

export interface BuildOptions {
  /** Names of the SVG files written next to a Markdown report (linked from it); absent: not linked. */
  flowFile?: string;
  rateFile?: string;
}

/** A diagnosis told in one language (the shape of src/diagnosis/words.ts's describeDiagnosis result). */
export interface DiagnosisText {
  sentence: string;
  causes?: string[];
  checks?: string[];
  confidence?: string;
}

/** Optional wording of diagnosis findings (src/diagnosis/words.ts's describeDiagnosis), when the diagnosis provides it. */
export type DiagnosisWording = (finding: FindingEvent, lang: 'en' | 'id') => DiagnosisText | undefined;

export function buildReport(facts: ReportFacts, words: Words, options: BuildOptions = {}, describeDiagnosis?: DiagnosisWording): ReportDocument {
  const w = withDiagnosisWords(words, describeDiagnosis);
  const blocks: Block[] = [];
  const s = facts.summary;
  // A refused CONNECT starts no session (its connection is listed all the same): counted apart.
  const refused = s.mqtt.sessions.filter((x) => x.accepted === false).length;
  const overview: Overview = {
    frames: s.frames.read, durationSeconds: s.capture.durationSeconds,
    ...(startText(s.capture.startEpoch) !== undefined ? { start: startText(s.capture.startEpoch)! } : {}),
    sessions: Math.max(0, facts.connections.filter((c) => c.connect !== undefined || c.connack !== undefined).length + facts.connectionsNotTold - refused),
    refused,
    published: facts.topics.reduce((n, t) => n + t.published, 0),
    delivered: facts.topics.reduce((n, t) => n + t.delivered, 0),
    connections: s.tcp.connections,
  };
  blocks.push({ type: 'heading', level: 1, text: w.title });
  blocks.push({ type: 'paragraph', content: w.fileLine(facts.file, overview) });

  // 1. The analysis in prose.
  blocks.push({ type: 'heading', level: 2, text: w.headings.analysis });
  const mqttSeen = facts.connections.length > 0 || s.mqtt.messages > 0;
  if (!mqttSeen) blocks.push({ type: 'paragraph', content: w.noMqtt() });
  else {
    blocks.push({ type: 'paragraph', content: w.overview(overview) });
    blocks.push({ type: 'heading', level: 3, text: w.headings.whoIsWho });
    const parts = hostParts(facts);
    blocks.push({ type: 'list', ordered: false, items: parts.slice(0, MAX_LISTED).map((h) => w.host(h)) });
    if (parts.length > MAX_LISTED) blocks.push({ type: 'paragraph', content: [w.notListed(parts.length - MAX_LISTED)] });
  }
  blocks.push({ type: 'heading', level: 3, text: w.headings.conclusion });
  const problems = findProblems(facts, w);
  const encrypted = facts.connections.length > 0 && facts.connections.every((c) => c.transport === 'tls' && c.connect === undefined);
  if (problems.length === 0) blocks.push({ type: 'paragraph', content: !mqttSeen ? w.noMqtt() : encrypted ? w.healthyEncrypted() : w.healthy() });
  else blocks.push({ type: 'list', ordered: false, items: w.problems(problems) });

  // 2. The story.
  blocks.push({ type: 'heading', level: 2, text: w.headings.story });
  const { steps, notTold } = storySteps(facts);
  const items: Inline[][] = [];
  const whoOf = (c: ConnectionFact | undefined, ip: string): Who => ({ ip: c?.clientIp ?? ip, ...(c?.connect?.clientId !== undefined ? { clientId: c.connect.clientId } : {}) });
  const brokerIps = new Set(facts.brokers.map((b) => b.ip));
  for (const step of steps) {
    switch (step.kind) {
      case 'arp': items.push(w.arp(step.arp, brokerIps.has(step.arp.targetIp))); break;
      case 'handshake': items.push(w.handshake(step.connection, whoOf(step.connection, step.connection.clientIp))); break;
      case 'connect': items.push(w.connect(step.connection, whoOf(step.connection, step.connection.clientIp))); break;
      case 'subscribe': {
        const x = step.subscribe;
        items.push(w.subscribe(step.connection, whoOf(step.connection, step.connection.clientIp), x.frame, x.subscriptions, x.ackFrame, x.granted, x.latencyMs));
        break;
      }
      case 'publish': {
        const item = w.publish(step.run, whoOf(step.connection, step.run.clientIp));
        for (const d of step.deliveries) {
          const target = facts.connections.find((c) => c.stream === d.stream);
          item.push(' ', ...w.delivery(d, whoOf(target, d.clientIp), true));
        }
        items.push(item);
        break;
      }
      case 'delivery': items.push(w.delivery(step.delivery, whoOf(step.connection, step.delivery.clientIp), false)); break;
      case 'other-mqtt': items.push(w.otherMqtt(step.run, whoOf(step.connection, ''))); break;
      case 'retransmissions': items.push(w.retransmissions(facts.retransmissions)); break;
      case 'teardown': items.push(w.teardown(step.connection, whoOf(step.connection, step.connection.clientIp))); break;
    }
  }
  if (notTold > 0) items.push(w.stepsNotTold(notTold));
  if (items.length > 0) blocks.push({ type: 'list', ordered: true, items });
  const acks = w.acks(facts.acks);
  if (acks.length > 0) blocks.push({ type: 'paragraph', content: acks });
  const other = w.otherTraffic(facts.otherTraffic, facts.otherTcpConnections);
  if (other.length > 0) blocks.push({ type: 'paragraph', content: other });

  // 3. Tables.
  blocks.push({ type: 'heading', level: 2, text: w.headings.hosts });
  blocks.push({
    type: 'table', header: w.hostTable.header, align: ['left', 'left', 'left', 'left', 'right'],
    rows: facts.hosts.slice(0, MAX_ROWS).map((h) => [[h.ip], [h.mac ?? w.hostTable.noMac], [h.roles.map((r) => w.role(r)).join(', ')], h.clientIds.flatMap((id, i) => (i > 0 ? [', ', code(id)] : [code(id)])), [`${h.frames}`]]),
  });
  if (facts.hosts.length > MAX_ROWS) blocks.push({ type: 'paragraph', content: [w.notListed(facts.hosts.length - MAX_ROWS)] });
  const sessions = facts.connections.filter((c) => c.mqtt);
  if (sessions.length > 0) {
    blocks.push({ type: 'heading', level: 2, text: w.headings.sessions });
    blocks.push({
      type: 'table', header: w.sessionTable.header, align: ['right', 'left', 'left', 'left', 'right', 'left', 'left', 'right'],
      rows: sessions.map((c) => {
        const v = c.connect?.protocolVersion ?? c.inferredVersion;
        const transport = w.sessionTable.transport(c.transport);
        return [
          [`${c.stream}`], [c.client], c.connect !== undefined ? [c.connect.clientId !== '' ? code(c.connect.clientId) : w.emptyClientId(emptyClientIdRule(c.connect.protocolVersion, c.connect.cleanSession))] : [],
          [`${v !== undefined ? PROTOCOL_VERSIONS[v] ?? `${v}` : ''}${c.connect === undefined && v !== undefined ? ` (${w.sessionTable.inferred})` : ''}${transport !== '' ? ` ${transport}` : ''}`],
          [c.connect?.keepAlive !== undefined ? `${c.connect.keepAlive}` : ''], [w.yesNo(c.connect?.cleanSession)],
          [c.connack === undefined ? w.sessionTable.none : c.connack.accepted ? w.sessionTable.accepted : w.sessionTable.refused(c.connack.code)],
          [c.connack?.latencyMs !== undefined ? w.number(c.connack.latencyMs, 3) : ''],
        ];
      }),
    });
  }
  if (facts.topics.length > 0) {
    blocks.push({ type: 'heading', level: 2, text: w.headings.topics });
    blocks.push({
      type: 'table', header: w.topicTable.header, align: ['left', 'right', 'right', 'left', 'left'],
      rows: facts.topics.slice(0, MAX_ROWS).map((t) => [[code(t.topic)], [`${t.published}`], [`${t.delivered}`],
        t.publishers.flatMap((p, i) => (i > 0 ? [', ', code(p)] : [code(p)])), t.subscribers.flatMap((p, i) => (i > 0 ? [', ', code(p)] : [code(p)]))]),
    });
  }
  if (facts.topics.length > MAX_ROWS) blocks.push({ type: 'paragraph', content: [w.notListed(facts.topics.length - MAX_ROWS)] });
  if (sessions.length > 0 && facts.connectionsNotTold > 0) blocks.push({ type: 'paragraph', content: [w.notListed(facts.connectionsNotTold)] });
  const latencyRows: Inline[][][] = [];
  const handshakes = facts.connections.map((c) => c.handshakeRttMs).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  const stat = (v: number): Inline[] => [w.number(v, 3)];
  if (handshakes.length > 0) {
    const at = (q: number): number => {
      const rank = q * (handshakes.length - 1);
      const low = Math.floor(rank);
      const high = Math.min(handshakes.length - 1, low + 1);
      return handshakes[low]! + (handshakes[high]! - handshakes[low]!) * (rank - low);
    };
    latencyRows.push([[w.latencyTable.handshake], [`${handshakes.length}`], stat(handshakes[0]!), stat(at(0.5)), stat(at(0.95)), stat(handshakes[handshakes.length - 1]!)]);
  }
  // "PUBLISH→PUBACK (broker)": who answered, in the report's language.
  const kindWords = (kind: string): string => kind.replace(/ \((\w+)\)$/, (all, who: string) => {
    const words = w.latencyTable.answeredBy[who];
    return words === undefined ? all : ` (${words})`;
  });
  for (const [kind, v] of Object.entries(s.mqtt.latency)) latencyRows.push([[kindWords(kind)], [`${v.count}`], stat(v.minMs), stat(v.medianMs), stat(v.p95Ms), stat(v.maxMs)]);
  if (s.mqtt.forwarding !== undefined) {
    const v = s.mqtt.forwarding;
    latencyRows.push([[w.latencyTable.forwarding], [`${v.count}`], stat(v.minMs), stat(v.medianMs), stat(v.p95Ms), stat(v.maxMs)]);
  }
  if (s.mqtt.requestResponse !== undefined) {
    const v = s.mqtt.requestResponse;
    latencyRows.push([[w.latencyTable.requestResponse], [`${v.count}`], stat(v.minMs), stat(v.medianMs), stat(v.p95Ms), stat(v.maxMs)]);
  }
  if (latencyRows.length > 0) {
    blocks.push({ type: 'heading', level: 2, text: w.headings.latency });
    blocks.push({ type: 'table', header: w.latencyTable.header, align: ['left', 'right', 'right', 'right', 'right', 'right'], rows: latencyRows });
  }
  blocks.push({ type: 'heading', level: 2, text: w.headings.findings });
  if (facts.findings.length === 0) blocks.push({ type: 'paragraph', content: [w.findingsNone] });
  else blocks.push({ type: 'list', ordered: false, items: w.problems(facts.findings.map((group) => ({ kind: 'finding', group, text: w.finding(group) }))) });

  // 4. Pictures.
  blocks.push({ type: 'heading', level: 2, text: w.headings.pictures });
  if (mqttSeen) {
    blocks.push({ type: 'paragraph', content: w.mermaidIntro });
    blocks.push({ type: 'mermaid', source: renderMermaid(facts, steps, w) });
  }
  if (options.flowFile !== undefined && options.rateFile !== undefined) blocks.push({ type: 'paragraph', content: w.figureLinks(options.flowFile, options.rateFile) });
  blocks.push({ type: 'figure', name: 'flow', caption: w.flowCaption, svg: renderFlowSvg(facts, w), ...(options.flowFile !== undefined ? { file: options.flowFile } : {}) });
  blocks.push({ type: 'figure', name: 'rate', caption: w.rateCaption, svg: renderRateSvg(facts, w), ...(options.rateFile !== undefined ? { file: options.rateFile } : {}) });

  // 5. Appendix: the first rows of the timeline, in the report's language.
  blocks.push({ type: 'heading', level: 2, text: w.headings.timeline });
  const rows: Inline[][][] = [];
  const timeline = facts.timeline;
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i]!;
    const next = timeline[i + 1];
    // A TCP segment that carried an MQTT packet is told by the MQTT row that follows it.
    if (e.kind === 'packet' && e.layer === 'tcp' && e.type === 'DATA' && next !== undefined && next.layer === 'mqtt' && next.frame === e.frame) continue;
    const proto = e.kind === 'finding' ? w.lang === 'id' ? 'TEMUAN' : 'FINDING' : e.layer.toUpperCase();
    rows.push([[`${e.frame}`], [w.number(e.time, 6)], [e.src], [e.dst], [proto], w.describe(e)]);
  }
  blocks.push({ type: 'table', header: w.timelineTable.header, align: ['right', 'right', 'left', 'left', 'left', 'left'], rows });
  if (facts.timelineNotShown > 0) blocks.push({ type: 'paragraph', content: [w.timelineTable.note(timeline.length, facts.timelineNotShown, facts.file)] });
  return { lang: w.lang, title: w.title, blocks };
}

/** The words, with diagnosis findings told by the diagnosis's own wording when it has one. */
function withDiagnosisWords(words: Words, describe: DiagnosisWording | undefined): Words {
  if (describe === undefined) return words;
  return {
    ...words,
    finding: (g) => {
      const d = describe(g.first, words.lang);
      if (d === undefined) return words.finding(g);
      const out: Inline[] = [...withCode(d.sentence)];
      if (d.causes !== undefined && d.causes.length > 0) out.push(` ${words.causes} `, ...withCode(`${d.causes.join('; ')}.`));
      if (d.checks !== undefined && d.checks.length > 0) out.push(` ${words.checks} `, ...withCode(`${d.checks.join('; ')}.`));
      if (d.confidence !== undefined) out.push(` ${d.confidence}`);
      return out;
    },
  };
}

/** The diagnosis's words, whose `commands` are code spans. */
function withCode(text: string): Inline[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? code(part) : part)).filter((part) => part !== '');
}

/** Each host's part: broker, publisher, subscriber, or plain client, with the frames that show it. */
function hostParts(facts: ReportFacts): HostPart[] {
  const parts: HostPart[] = [];
  for (const h of facts.hosts) {
    if (h.roles.length === 0) continue;
    const part: HostPart = {
      ip: h.ip, clientIds: h.clientIds, ...(h.mac !== undefined ? { mac: h.mac } : {}), ...(h.sameMachineAs !== undefined ? { sameMachineAs: h.sameMachineAs } : {}),
    };
    const served = facts.connections.filter((c) => c.serverIp === h.ip);
    if (served.length > 0) {
      const ports: NonNullable<HostPart['broker']>['ports'] = [];
      for (const c of served) if (!ports.some((p) => p.port === c.serverPort)) ports.push({ port: c.serverPort, transport: c.transport });
      part.broker = { ports, frames: served.map((c) => c.synAckFrame).filter((f): f is number => f !== undefined) };
      if (part.broker.frames.length === 0) part.broker.frames = served.map((c) => c.firstFrame);
    }
    const runs = facts.publishRuns.filter((r) => r.clientIp === h.ip);
    if (runs.length > 0) {
      const topics = [...new Set(runs.map((r) => r.topic))];
      part.publishes = { topics: topics.slice(0, 5), count: runs.reduce((n, r) => n + r.count, 0), frames: runs.flatMap((r) => r.frames).sort((a, b) => a - b) };
    }
    const subs = [...facts.connections, ...facts.connectionsBeyond].filter((c) => c.clientIp === h.ip).flatMap((c) => c.subscribes);
    if (subs.length > 0) {
      part.subscribes = { topics: [...new Set(subs.flatMap((x) => x.subscriptions.map((y) => y.topic)))].slice(0, 5), frames: subs.map((x) => x.frame) };
    }
    const deliveries = facts.deliveryRuns.filter((d) => d.clientIp === h.ip);
    if (deliveries.length > 0) {
      part.receives = { count: deliveries.reduce((n, d) => n + d.count, 0), frames: deliveries.flatMap((d) => d.frames).sort((a, b) => a - b) };
    }
    if (part.broker === undefined && part.publishes === undefined && part.subscribes === undefined && part.receives === undefined) {
      const mine = facts.connections.filter((c) => c.clientIp === h.ip);
      const frames = mine.map((c) => c.connect?.frame ?? c.firstFrame);
      if (mine.length > 0 && mine.every((c) => c.transport === 'tls' && c.connect === undefined)) part.encrypted = { frames };
      else part.connects = { frames };
    }
    parts.push(part);
  }
  return parts;
}

/** What keeps the exchange from being healthy, in the order a reader should hear it. */
function findProblems(facts: ReportFacts, w: Words): Problem[] {
  const problems: Problem[] = [];
  const refusalsDiagnosed = facts.findings.some((g) => g.code === 'diag.connack-refused' || g.code === 'diag.password-guessing');
  for (const c of facts.connections) {
    const who: Who = { ip: c.clientIp, ...(c.connect?.clientId !== undefined ? { clientId: c.connect.clientId } : {}) };
    const v = c.connect?.protocolVersion ?? c.inferredVersion;
    // The diagnosis tells refusals with their causes (a password brute force in one item): then it alone does.
    if (c.connack !== undefined && !c.connack.accepted && !refusalsDiagnosed) problems.push({ kind: 'refused', who, frame: c.connack.frame, code: c.connack.code, ...(v !== undefined ? { version: v } : {}) });
    else if (c.connect !== undefined && c.connack === undefined) problems.push({ kind: 'no-connack', who, frame: c.connect.frame });
  }
  if (facts.retransmissions.total > 0) problems.push({ kind: 'retransmissions', count: facts.retransmissions.total, frames: facts.retransmissions.frames });
  for (const t of facts.topics) {
    // Weak on purpose: a subscriber that joined late legitimately misses earlier messages.
    if (t.subscribers.length > 0 && t.published > 0 && t.delivered < t.published) {
      problems.push({ kind: 'undelivered', topic: t.topic, published: t.published, delivered: t.delivered, retainedOnly: t.delivered > 0 && t.retainedDelivered === t.delivered });
    }
  }
  const refusedTold = problems.some((p) => p.kind === 'refused');
  for (const g of facts.findings) {
    if (g.code === 'mqtt.connect-refused' && refusedTold) continue;
    if (g.severity !== 'note') problems.push({ kind: 'finding', group: g, text: w.finding(g) });
  }
  return problems;
}


/** The capture's start as "YYYY-MM-DD hh:mm:ss UTC"; undefined when unknown or outside what a date can hold (a crafted timestamp). */
function startText(epoch: number | undefined): string | undefined {
  if (epoch === undefined) return undefined;
  const date = new Date(Math.floor(epoch * 1000));
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
