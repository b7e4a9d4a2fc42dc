/**
 * The facts of a report, gathered once from the analysis's events and its summary: who is who, each connection's
 * story (handshake, CONNECT/CONNACK, SUBSCRIBE/SUBACK, teardown), repeated PUBLISHes folded into runs, the broker's
 * deliveries, TCP acknowledgements and retransmissions, findings grouped by code, the frames a flow graph draws, the
 * messages-per-second series and the first rows of the timeline. Both languages, the pictures and every output
 * format are made from these facts alone. No words and no formatting here. Every list is capped, so memory stays
 * bounded however long the capture is.
 */
import type {
  ArpEvent, FindingEvent, MqttEvent, SessionEndReason, Side, TcpEvent, TimelineEvent, TlsEvent,
} from '../model/events.js';
import type { FindingCode } from '../model/findings.js';
import { forwardingDelayMs } from '../model/forwarding.js';
import type { AnalysisSummary } from '../model/summary.js';
import { clearsRetained, legacyText } from '../mqtt/payload.js';

/** Caps: what the report tells in full; beyond them it counts. */
export const REPORT_LIMITS = {
  connections: 40,
  arpExchanges: 20,
  subscribesPerConnection: 10,
  runs: 60,
  flowFrames: 80,
  timelineRows: 150,
  findingFramesKept: 12,
  findingCodes: 100,
  rateBuckets: 4096,
  retransmissionFrames: 20,
  pendingSegments: 64,
} as const;

/** min / mean / max of a series of numbers (exact, constant memory). */
export interface Spread {
  count: number;
  min: number;
  max: number;
  mean: number;
}

export class SpreadBuilder {
  private count = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  get size(): number {
    return this.count;
  }
  spread(): Spread | undefined {
    return this.count === 0 ? undefined : { count: this.count, min: this.min, max: this.max, mean: this.sum / this.count };
  }
}

export type Role = 'broker' | 'publisher' | 'subscriber' | 'client';
export type Transport = 'tcp' | 'websocket' | 'tls';

export interface HostFact {
  ip: string;
  mac?: string;
  /** HostSummary.sameMachineAs: this IPv6 address is that IPv4 address's machine. */
  sameMachineAs?: string;
  roles: Role[];
  clientIds: string[];
  /** Frames sent (from the summary). */
  frames: number;
}

export interface ArpFact {
  requestFrame: number;
  replyFrame?: number;
  askerIp: string;
  askerMac: string;
  targetIp: string;
  /** The MAC the reply told. */
  targetMac?: string;
  /** The same question asked again (folded). */
  repeats: number;
}

export interface SubscribeFact {
  frame: number;
  packetId?: number;
  /** `noLocal` only when set (MQTT 5 No Local). */
  subscriptions: Array<{ topic: string; qos: number; noLocal?: true }>;
  ackFrame?: number;
  granted?: number[];
  latencyMs?: number;
}

export interface ConnectionFact {
  stream: number;
  client: string;
  server: string;
  clientIp: string;
  serverIp: string;
  serverPort: number;
  transport: Transport;
  mqtt: boolean;
  synFrame?: number;
  synAckFrame?: number;
  handshakeAckFrame?: number;
  handshakeRttMs?: number;
  synRetransmissions: number;
  connect?: {
    frame: number; clientId: string; protocolVersion?: number; keepAlive?: number; cleanSession?: boolean;
    username?: string; willTopic?: string;
  };
  /** No CONNECT captured: the version the dissector inferred. */
  inferredVersion?: number;
  connack?: { frame: number; accepted: boolean; code: number; latencyMs?: number; sessionPresent?: boolean };
  subscribes: SubscribeFact[];
  subscribesNotTold: number;
  /**
   * The first DISCONNECT, or the broker's that followed the client's before any FIN or RST (the broker ended the session:
   * it did not take the client's, `unread` its frame, as the goodbye); `late`: it came after the connection's first FIN
   * or RST (it did not end the session); `reasonCode`: MQTT 5.
   */
  disconnect?: { frame: number; by: Side; late?: true; reasonCode?: number; unread?: number };
  /** First FIN of each side, in order; an RST. */
  fins: Array<{ frame: number; by: Side }>;
  reset?: { frame: number; by: Side };
  firstFrame: number;
  lastFrame: number;
  /** Pure ACK segments (no payload, not part of the handshake). */
  pureAcks: number;
  /** The first data segment each way before any MQTT packet: for MQTT over WebSocket, the HTTP upgrade. */
  preludeFrames: number[];
  /** Why the MQTT session ended, from the analysis's lifecycle event. */
  sessionEnd?: SessionEndReason;
}

/** PUBLISHes a client sent on one connection to one topic with one QoS, folded. */
/** A run of retained PUBLISHes, every one with an empty payload: they clear the topic's retained message. */
export function clearsRetainedRun(run: PublishRun): boolean {
  return run.retain && run.samePayload && run.payload !== undefined && run.payload.length === 0;
}

export interface PublishRun {
  stream: number;
  clientIp: string;
  clientId?: string;
  topic: string;
  qos: number;
  retain: boolean;
  count: number;
  frames: number[];
  firstFrame: number;
  lastFrame: number;
  firstTime: number;
  lastTime: number;
  /** The first payload, and whether every other one was the same. */
  payload?: PayloadFact;
  /** Retained PUBLISHes of the run with an empty payload (they clear the topic's retained message), at most 10 frames. */
  clearFrames?: number[];
  samePayload: boolean;
  /** Seconds between consecutive PUBLISHes of the run. */
  interval?: Spread;
  /** Their acknowledgements (QoS 1: PUBACK, QoS 2: PUBREC/PUBREL/PUBCOMP) and the latency of the first step. */
  acknowledged: number;
  ackLatencyMs?: Spread;
}

/** PUBLISHes the broker sent to one subscriber's connection for one topic, folded. */
export interface DeliveryRun {
  stream: number;
  clientIp: string;
  clientId?: string;
  topic: string;
  qos: number;
  count: number;
  frames: number[];
  firstFrame: number;
  lastFrame: number;
  /** Those linked to a publisher's PUBLISH, and the broker's forwarding delay for them (model/forwarding.ts). */
  linked: number;
  delayMs?: Spread;
  /** Connections whose PUBLISHes these copy. */
  sourceStreams: number[];
  /** Retained copies sent on subscription. */
  retained: number;
  /** Copies of messages published while the client was away, held for its session; how long after their publish. */
  queued: number;
  heldMs?: Spread;
  /** The Will of this client the broker published (its connection ended without a DISCONNECT the broker took), set by its CONNECT `willConnectFrame`. */
  willOf?: string;
  willConnectFrame?: number;
  /** The CONNECT that took that client's session over, when the Will went out on it. */
  willTakeoverFrame?: number;
}

export interface PayloadFact {
  length: number;
  /** `legacy`: text in an 8-bit encoding such as Latin-1, not UTF-8 (src/mqtt/payload.ts legacyText). */
  format: 'text' | 'json' | 'binary' | 'legacy';
  /** Text (at most 80 characters; for `legacy`, non-ASCII bytes as \xNN) or the first bytes as hex. */
  preview: string;
  cut: boolean;
  /** `legacy`: its bytes from 0xa0 up and the Latin-1 character each stands for. */
  latin1?: Array<{ byte: string; char: string }>;
}

/** Other MQTT packets of one type on one connection (PINGREQ/PINGRESP, UNSUBSCRIBE...). */
export interface OtherMqttRun {
  stream: number;
  type: string;
  direction: Side;
  count: number;
  firstFrame: number;
  lastFrame: number;
  frames: number[];
  latencyMs?: Spread;
}

export interface AckFacts {
  /** Data segments (MQTT or other payload) whose acknowledgement was seen. */
  dataSegments: number;
  acknowledged: number;
  /** By a pure ACK, or carried on a data segment the other way. */
  byPureAck: number;
  piggybacked: number;
  delayMs?: Spread;
  /** ACKs that came 30 ms or more after the data they acknowledge (delayed ACK): frames, and which data. */
  delayed: Array<{ frame: number; ackedFrame: number; delayMs: number }>;
  delayedCount: number;
  /** The first pure ACK of an MQTT packet: an example to tell. */
  example?: { frame: number; ackedFrame: number; ackedType: string; relAck: number; by: 'client' | 'server'; stream: number };
}

export interface RetransmissionFacts {
  total: number;
  syn: number;
  data: number;
  other: number;
  frames: number[];
  duplicateAcks: number;
  outOfOrder: number;
  lostSegments: number;
}

export interface FindingGroup {
  code: FindingCode | string;
  severity: FindingEvent['severity'];
  count: number;
  frames: number[];
  stream?: number;
  /** The first finding's own line (English, from the analysis) and facts. */
  summary: string;
  detail?: Record<string, unknown>;
  evidence?: FindingEvent['evidence'];
  /** The first finding of the group, whole (for wording helpers). */
  first: FindingEvent;
}

export interface FlowArrow {
  frame: number;
  time: number;
  from: string;
  to: string;
  layer: 'arp' | 'tcp' | 'tls' | 'mqtt';
  /** Short label: MQTT types, TCP flags, ARP question. */
  label: string;
  /** Packet details for the label (topic, flags...). */
  detail: string;
  /** For a broker's forwarded PUBLISH: the publisher's frame. */
  forwardedFrom?: number;
  /** What the packet's detail alone would hide: a CONNECT's empty client id, a retained PUBLISH that clears the topic. */
  note?: 'empty-client-id' | 'clears-retained';
}

export interface FlowFacts {
  columns: string[];
  arrows: FlowArrow[];
  /** Frames with a packet not drawn (past the cap). */
  notDrawn: number;
}

export interface RateFacts {
  /** Width of a bucket in seconds (1 unless the capture was long). */
  bucketSeconds: number;
  /** Bucket index → MQTT type → count; buckets start at time 0. */
  buckets: Map<number, Map<string, number>>;
  types: string[];
}

export interface ReportFacts {
  file: string;
  summary: AnalysisSummary;
  hosts: HostFact[];
  brokers: Array<{ ip: string; port: number; transport: Transport }>;
  arp: ArpFact[];
  arpPackets: number;
  arpNotTold: number;
  connections: ConnectionFact[];
  connectionsNotTold: number;
  /**
   * MQTT connections past the told ones that subscribed (SUBSCRIBE): not in the story, but who is who names their
   * hosts subscribers whatever the cap. The collector keeps a connection that did MQTT work (PUBLISH, SUBSCRIBE, a
   * copy received) over an ended one that did none, so such connections stay known past REPORT_LIMITS.connections.
   */
  connectionsBeyond: ConnectionFact[];
  publishRuns: PublishRun[];
  deliveryRuns: DeliveryRun[];
  otherMqtt: OtherMqttRun[];
  runsNotTold: number;
  acks: AckFacts;
  retransmissions: RetransmissionFacts;
  findings: FindingGroup[];
  /** Frames of other protocols (UDP, ICMP, ICMPv6...) by protocol, and TCP connections that are not MQTT. */
  otherTraffic: Record<string, number>;
  otherTcpConnections: number;
  /** `retainedDelivered`: of the copies delivered, those with RETAIN 1 (a retained message sent on subscribing). */
  topics: Array<{ topic: string; published: number; delivered: number; retainedDelivered: number; publishers: string[]; subscribers: string[] }>;
  flow: FlowFacts;
  rate: RateFacts;
  timeline: TimelineEvent[];
  timelineNotShown: number;
}

/** "172.18.0.3:40166" → "172.18.0.3"; "[fe80::1]:1883" → "fe80::1"; a MAC or bare IP unchanged. */
export function hostOf(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0 || endpoint.indexOf(':') !== colon) return endpoint;
  return endpoint.slice(0, colon);
}

export function portOf(endpoint: string): number {
  const colon = endpoint.lastIndexOf(':');
  return colon < 0 ? 0 : Number(endpoint.slice(colon + 1));
}

interface Pending {
  end: number;
  frame: number;
  time: number;
  mqttType?: string;
}

interface StreamState {
  fact: ConnectionFact;
  told: boolean;
  pending: { client: Pending[]; server: Pending[] };
  /** It did MQTT work: a PUBLISH, a SUBSCRIBE, a copy received (kept over idle connections when the table is full). */
  worked: boolean;
}

const MAX_FRAMES_PER_RUN = 20;

function pushCapped(list: number[], value: number, cap = MAX_FRAMES_PER_RUN): void {
  if (list.length < cap) list.push(value);
}

function payloadFact(e: MqttEvent): PayloadFact | undefined {
  const p = e.payload;
  if (p === undefined) return undefined;
  if (p.format === 'binary') {
    const legacy = legacyText(p);
    if (legacy !== undefined) {
      return { length: p.length, format: 'legacy', preview: legacy.text.slice(0, 80), cut: legacy.text.length > 80 || p.incomplete === true, latin1: legacy.latin1 };
    }
    const hex = p.hex ?? '';
    return { length: p.length, format: 'binary', preview: hex.slice(0, 48), cut: hex.length > 48 || p.incomplete === true };
  }
  const text = p.text ?? '';
  const chars = [...text];
  return { length: p.length, format: p.format, preview: chars.slice(0, 80).join(''), cut: chars.length > 80 || p.incomplete === true };
}

function samePayload(a: PayloadFact | undefined, e: MqttEvent): boolean {
  const b = payloadFact(e);
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.preview === b.preview && a.format === b.format;
}

/**
 * Reads the events one by one (as an analysis sink does), then the summary; `facts()` gives the result. Memory is
 * bounded by REPORT_LIMITS, the number of connections told and the MQTT types seen.
 */
export class ReportFactCollector {
  private readonly streams = new Map<number, StreamState>();
  /** Ended connections that did no MQTT work, most recent last: the first to give their place when the table is full. */
  private readonly idleEnded: number[] = [];
  private connectionsNotTold = 0;
  private lastStreamNotTold = -1;
  private readonly arp: ArpFact[] = [];
  private arpPackets = 0;
  private arpNotTold = 0;
  private readonly publishRuns = new Map<string, PublishRun & { lastTimeSeen: number; intervals: SpreadBuilder; acks: SpreadBuilder }>();
  private readonly deliveryRuns = new Map<string, Omit<DeliveryRun, 'delayMs' | 'heldMs'> & { delays: SpreadBuilder; held: SpreadBuilder }>();
  private readonly otherRuns = new Map<string, OtherMqttRun & { latencies: SpreadBuilder }>();
  private runsNotTold = 0;
  /** PUBLISH frame → the connection that published it, for linking the broker's copies (the most recent 20 000). */
  private readonly publishStreamByFrame = new Map<number, number>();
  /** PUBLISH frame → its run key, for linking acknowledgements (QoS > 0 only; bounded). */
  private readonly publishByFrame = new Map<number, string>();
  private readonly topicCounts = new Map<string, { published: number; delivered: number; retainedDelivered: number }>();
  private readonly ack = { dataSegments: 0, acknowledged: 0, byPureAck: 0, piggybacked: 0, delays: new SpreadBuilder(),
    delayed: [] as AckFacts['delayed'], delayedCount: 0, example: undefined as AckFacts['example'] };
  private readonly retrans: RetransmissionFacts = { total: 0, syn: 0, data: 0, other: 0, frames: [], duplicateAcks: 0, outOfOrder: 0, lostSegments: 0 };
  private readonly findings = new Map<string, FindingGroup>();
  private findingsNotGrouped = 0;
  private readonly flowArrows = new Map<number, FlowArrow>();
  private flowNotDrawn = 0;
  private lastFlowFrameSeen = 0;
  private readonly rateBuckets = new Map<number, Map<string, number>>();
  private rateBucketSeconds = 1;
  private readonly timeline: TimelineEvent[] = [];
  private timelineNotShown = 0;
  private readonly endedByLifecycle = new Map<number, Side>();
  private readonly sessionEnds = new Map<number, SessionEndReason>();

  event(e: TimelineEvent): void {
    if (this.timeline.length < REPORT_LIMITS.timelineRows) this.timeline.push(e);
    else this.timelineNotShown++;
    if (e.kind === 'finding') {
      this.finding(e);
      return;
    }
    if (e.kind === 'lifecycle') {
      if (e.type === 'connection-ended') {
        const s = this.streams.get(e.stream);
        if (s !== undefined && e.closedBy !== undefined) this.endedByLifecycle.set(e.stream, e.closedBy);
        if (s !== undefined && !s.worked) this.idleEnded.push(e.stream);
      }
      if (e.type === 'session-ended' && this.streams.has(e.stream)) this.sessionEnds.set(e.stream, e.reason);
      return;
    }
    switch (e.layer) {
      case 'arp': this.arpEvent(e as ArpEvent); break;
      case 'tcp': this.tcpEvent(e as TcpEvent); break;
      case 'mqtt': this.mqttEvent(e as MqttEvent); break;
      case 'tls': this.tlsEvent(e as TlsEvent); break;
      default: break;
    }
  }

  private state(stream: number, client: string, server: string): StreamState | undefined {
    let s = this.streams.get(stream);
    if (s === undefined) {
      if (this.streams.size >= REPORT_LIMITS.connections * 4) this.evictIdle();
      if (this.streams.size >= REPORT_LIMITS.connections * 4) {
        // Stream indexes only grow (Wireshark's tcp.stream), so each connection not told is counted once.
        if (stream > this.lastStreamNotTold) {
          this.lastStreamNotTold = stream;
          this.connectionsNotTold++;
        }
        return undefined;
      }
      s = {
        told: true,
        fact: {
          stream, client, server, clientIp: hostOf(client), serverIp: hostOf(server), serverPort: portOf(server),
          transport: 'tcp', mqtt: false, synRetransmissions: 0, subscribes: [], subscribesNotTold: 0, fins: [],
          firstFrame: Number.MAX_SAFE_INTEGER, lastFrame: 0, pureAcks: 0, preludeFrames: [],
        },
        pending: { client: [], server: [] },
        worked: false,
      };
      this.streams.set(stream, s);
    }
    return s;
  }

  /**
   * The table is full: the most recent ended connection that did no MQTT work (a refused login of a brute force, a
   * port scan's probe) gives its place, so that connections that publish or subscribe later are still known (who is
   * who, the runs). The earliest ones, which the story tells, stay. Counted as not told when it was MQTT.
   */
  private evictIdle(): void {
    for (let stream = this.idleEnded.pop(); stream !== undefined; stream = this.idleEnded.pop()) {
      const s = this.streams.get(stream);
      if (s === undefined || s.worked) continue;
      this.streams.delete(stream);
      this.endedByLifecycle.delete(stream);
      this.sessionEnds.delete(stream);
      // A TCP connection that carried no MQTT is still counted by facts() as other TCP (the summary's count minus these).
      if (s.fact.mqtt) this.connectionsNotTold++;
      return;
    }
  }

  private sideOf(s: StreamState, src: string): Side {
    return src === s.fact.client ? 'client' : 'server';
  }

  private arpEvent(e: ArpEvent): void {
    this.arpPackets++;
    this.drawArrow({ frame: e.frame, time: e.time, from: e.senderIp, to: e.targetIp, layer: 'arp',
      label: e.type === 'who-has' ? 'ARP who-has' : e.type === 'is-at' ? 'ARP is-at' : 'ARP', detail: e.type === 'is-at' ? e.senderMac : e.targetIp });
    if (e.type === 'who-has') {
      const same = this.arp.find((a) => a.askerIp === e.senderIp && a.targetIp === e.targetIp && a.replyFrame === undefined);
      if (same !== undefined) {
        same.repeats++;
        return;
      }
      if (this.arp.length >= REPORT_LIMITS.arpExchanges) {
        this.arpNotTold++;
        return;
      }
      this.arp.push({ requestFrame: e.frame, askerIp: e.senderIp, askerMac: e.senderMac, targetIp: e.targetIp, repeats: 0 });
    } else if (e.type === 'is-at') {
      const asked = this.arp.find((a) => a.askerIp === e.targetIp && a.targetIp === e.senderIp && a.replyFrame === undefined);
      if (asked !== undefined) {
        asked.replyFrame = e.frame;
        asked.targetMac = e.senderMac;
      }
    }
  }

  private tcpEvent(e: TcpEvent): void {
    if (e.duplicateOf !== undefined) return;
    const isSyn = e.type === 'SYN';
    const s = this.state(e.stream, isSyn ? e.src : e.type === 'SYN-ACK' ? e.dst : e.src, isSyn ? e.dst : e.type === 'SYN-ACK' ? e.src : e.dst);
    if (e.retransmission === true || e.outOfOrder === true || e.duplicateAck === true) this.tcpTrouble(e);
    this.drawArrow({ frame: e.frame, time: e.time, from: hostOf(e.src), to: hostOf(e.dst), layer: 'tcp',
      label: `[${e.flags.join(', ')}]`, detail: e.len > 0 ? `Len=${e.len}` : `Ack=${e.relAck}` });
    if (s === undefined) return;
    const f = s.fact;
    f.firstFrame = Math.min(f.firstFrame, e.frame);
    f.lastFrame = Math.max(f.lastFrame, e.frame);
    const side = this.sideOf(s, e.src);
    if (isSyn) {
      if (e.retransmission === true || f.synFrame !== undefined) f.synRetransmissions++;
      else f.synFrame = e.frame;
    } else if (e.type === 'SYN-ACK') {
      f.synAckFrame ??= e.frame;
    } else if (e.handshakeRttMs !== undefined) {
      f.handshakeAckFrame = e.frame;
      f.handshakeRttMs = e.handshakeRttMs;
    } else if (e.type === 'FIN' || e.flags.includes('FIN')) {
      if (!f.fins.some((x) => x.by === side)) f.fins.push({ frame: e.frame, by: side });
    } else if (e.type === 'RST' || e.flags.includes('RST')) {
      f.reset ??= { frame: e.frame, by: side };
    }
    this.acknowledgements(s, e, side);
  }

  /** Data segments wait for the other side's ACK; an ACK settles those it covers. */
  private acknowledgements(s: StreamState, e: TcpEvent, side: Side): void {
    const other = side === 'client' ? s.pending.server : s.pending.client;
    if (e.flags.includes('ACK') && other.length > 0) {
      const pure = e.len === 0 && !e.flags.includes('SYN') && !e.flags.includes('FIN') && !e.flags.includes('RST');
      while (other.length > 0 && other[0]!.end <= e.relAck) {
        const p = other.shift()!;
        this.ack.acknowledged++;
        if (pure) this.ack.byPureAck++;
        else this.ack.piggybacked++;
        const delay = (e.time - p.time) * 1000;
        this.ack.delays.add(delay);
        if (delay >= 30) {
          this.ack.delayedCount++;
          if (this.ack.delayed.length < 10) this.ack.delayed.push({ frame: e.frame, ackedFrame: p.frame, delayMs: delay });
        }
        if (pure && this.ack.example === undefined && p.mqttType !== undefined) {
          this.ack.example = { frame: e.frame, ackedFrame: p.frame, ackedType: p.mqttType, relAck: e.relAck, by: side, stream: s.fact.stream };
        }
      }
    }
    if (e.type === 'ACK' && e.len === 0 && e.handshakeRttMs === undefined && e.retransmission !== true) s.fact.pureAcks++;
    if (e.len > 0 && !s.fact.mqtt && s.fact.preludeFrames.length < 2) s.fact.preludeFrames.push(e.frame);
    if (e.len > 0 && e.retransmission !== true) {
      this.ack.dataSegments++;
      const mine = side === 'client' ? s.pending.client : s.pending.server;
      if (mine.length < REPORT_LIMITS.pendingSegments) mine.push({ end: e.relSeq + e.len, frame: e.frame, time: e.time });
    }
  }

  private tcpTrouble(e: TcpEvent): void {
    const r = this.retrans;
    if (e.retransmission === true) {
      r.total++;
      if (e.type === 'SYN' || e.type === 'SYN-ACK') r.syn++;
      else if (e.len > 0) r.data++;
      else r.other++;
      pushCapped(r.frames, e.frame, REPORT_LIMITS.retransmissionFrames);
    }
  }

  private tlsEvent(e: TlsEvent): void {
    const s = this.state(e.stream, e.src, e.dst);
    this.drawArrow({ frame: e.frame, time: e.time, from: hostOf(e.src), to: hostOf(e.dst), layer: 'tls', label: `TLS ${e.type}`, detail: '' });
    if (s === undefined) return;
    s.fact.transport = 'tls';
    s.fact.mqtt = true;
  }

  private mqttEvent(e: MqttEvent): void {
    this.rate(e);
    const client = e.direction === 'client' ? e.src : e.dst;
    const server = e.direction === 'client' ? e.dst : e.src;
    const s = this.state(e.stream, client, server);
    this.flowMqtt(e);
    if (s === undefined) return;
    const f = s.fact;
    f.mqtt = true;
    if (e.websocket === true) f.transport = 'websocket';
    f.firstFrame = Math.min(f.firstFrame, e.frames[0] ?? e.frame);
    f.lastFrame = Math.max(f.lastFrame, e.frame);
    // The TCP segment that completed this packet now knows what it carried.
    const mine = e.direction === 'client' ? s.pending.client : s.pending.server;
    const seg = mine.find((p) => p.frame === e.frame);
    if (seg !== undefined && seg.mqttType === undefined) seg.mqttType = e.type;
    if (e.versionInferred === true && f.inferredVersion === undefined && e.protocolVersion !== undefined) f.inferredVersion = e.protocolVersion;
    switch (e.type) {
      case 'CONNECT':
        f.connect ??= {
          frame: e.frame, clientId: e.clientId ?? '',
          ...(e.protocolVersion !== undefined ? { protocolVersion: e.protocolVersion } : {}),
          ...(e.keepAlive !== undefined ? { keepAlive: e.keepAlive } : {}),
          ...(e.cleanSession !== undefined ? { cleanSession: e.cleanSession } : {}),
          ...(e.username !== undefined ? { username: e.username } : {}),
          ...(e.will !== undefined ? { willTopic: e.will.topic } : {}),
        };
        return;
      case 'CONNACK':
        f.connack ??= {
          frame: e.frame, accepted: e.accepted ?? true, code: e.returnCode ?? e.reasonCode ?? 0,
          ...(e.latencyMs !== undefined ? { latencyMs: e.latencyMs } : {}),
          ...(e.sessionPresent !== undefined ? { sessionPresent: e.sessionPresent } : {}),
        };
        return;
      case 'SUBSCRIBE':
        s.worked = true;
        if (f.subscribes.length >= REPORT_LIMITS.subscribesPerConnection) {
          f.subscribesNotTold++;
          return;
        }
        f.subscribes.push({
          frame: e.frame, ...(e.packetId !== undefined ? { packetId: e.packetId } : {}),
          subscriptions: (e.subscriptions ?? []).slice(0, 10).map((x) => ({ topic: x.topic, qos: x.qos, ...(x.noLocal === true ? { noLocal: true as const } : {}) })),
        });
        return;
      case 'SUBACK': {
        const sub = f.subscribes.find((x) => x.ackFrame === undefined && (x.packetId === e.packetId || x.frame === e.requestFrame));
        if (sub !== undefined) {
          sub.ackFrame = e.frame;
          const granted = e.grantedQos ?? e.reasonCodes;
          if (granted !== undefined) sub.granted = granted.slice(0, 10);
          if (e.latencyMs !== undefined) sub.latencyMs = e.latencyMs;
        }
        return;
      }
      case 'PUBLISH':
        s.worked = true;
        if (e.direction === 'client') this.published(s, e);
        else this.delivered(s, e);
        return;
      case 'DISCONNECT': {
        const code = e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {};
        const d = f.disconnect;
        if (d === undefined) f.disconnect = { frame: e.frame, by: e.direction, ...code };
        else if (d.by === 'client' && e.direction === 'server' && d.unread === undefined && f.fins.length === 0 && f.reset === undefined) {
          f.disconnect = { frame: e.frame, by: 'server', ...code, unread: d.frame };
        }
        return;
      }
      case 'PUBACK': case 'PUBREC':
        if (e.requestFrame !== undefined) {
          const key = this.publishByFrame.get(e.requestFrame);
          const run = key !== undefined ? this.publishRuns.get(key) : undefined;
          if (run !== undefined) {
            run.acknowledged++;
            if (e.latencyMs !== undefined) run.acks.add(e.latencyMs);
            this.publishByFrame.delete(e.requestFrame);
            return;
          }
        }
        this.other(e);
        return;
      default:
        this.other(e);
    }
  }

  private published(s: StreamState, e: MqttEvent): void {
    const topic = e.topic ?? '';
    this.countTopic(topic, 'published');
    const key = `${e.stream}\u0000${topic}\u0000${e.qos ?? 0}`;
    let run = this.publishRuns.get(key);
    if (run === undefined) {
      if (this.publishRuns.size + this.deliveryRuns.size + this.otherRuns.size >= REPORT_LIMITS.runs) {
        this.runsNotTold++;
        return;
      }
      const payload = payloadFact(e);
      run = {
        stream: e.stream, clientIp: s.fact.clientIp, ...(s.fact.connect !== undefined ? { clientId: s.fact.connect.clientId } : {}),
        topic, qos: e.qos ?? 0, retain: e.retain === true, count: 0, frames: [], firstFrame: e.frame, lastFrame: e.frame,
        firstTime: e.time, lastTime: e.time, ...(payload !== undefined ? { payload } : {}), samePayload: true,
        acknowledged: 0, lastTimeSeen: e.time, intervals: new SpreadBuilder(), acks: new SpreadBuilder(),
      };
      this.publishRuns.set(key, run);
    } else {
      run.intervals.add(e.time - run.lastTimeSeen);
      run.lastTimeSeen = e.time;
      if (run.samePayload && !samePayload(run.payload, e)) run.samePayload = false;
      if (e.retain !== true) run.retain = false;
    }
    if (clearsRetained(e) && (run.clearFrames ??= []).length < 10) run.clearFrames.push(e.frame);
    run.count++;
    pushCapped(run.frames, e.frame);
    run.lastFrame = e.frame;
    run.lastTime = e.time;
    this.publishStreamByFrame.set(e.frame, e.stream);
    if (this.publishStreamByFrame.size > 20_000) this.publishStreamByFrame.delete(this.publishStreamByFrame.keys().next().value!);
    if ((e.qos ?? 0) > 0 && this.publishByFrame.size < 20_000) this.publishByFrame.set(e.frame, key);
  }

  private delivered(s: StreamState, e: MqttEvent): void {
    const topic = e.topic ?? '';
    this.countTopic(topic, 'delivered');
    if (e.retain === true) this.countTopic(topic, 'retainedDelivered');
    const source = e.sourceFrame !== undefined ? this.publishStreamByFrame.get(e.sourceFrame) : undefined;
    const key = `${e.stream}\u0000${topic}\u0000${e.qos ?? 0}\u0000${source ?? ''}\u0000${e.willOf ?? ''}`;
    let run = this.deliveryRuns.get(key);
    if (run === undefined) {
      if (this.publishRuns.size + this.deliveryRuns.size + this.otherRuns.size >= REPORT_LIMITS.runs) {
        this.runsNotTold++;
        return;
      }
      run = {
        stream: e.stream, clientIp: s.fact.clientIp, ...(s.fact.connect !== undefined ? { clientId: s.fact.connect.clientId } : {}),
        topic, qos: e.qos ?? 0, count: 0, frames: [], firstFrame: e.frame, lastFrame: e.frame, linked: 0, sourceStreams: [],
        retained: 0, queued: 0, delays: new SpreadBuilder(), held: new SpreadBuilder(),
        ...(e.willOf !== undefined && e.sourceFrame !== undefined ? { willOf: e.willOf, willConnectFrame: e.sourceFrame } : {}),
        ...(e.willTakeoverFrame !== undefined ? { willTakeoverFrame: e.willTakeoverFrame } : {}),
      };
      this.deliveryRuns.set(key, run);
    }
    run.count++;
    pushCapped(run.frames, e.frame);
    run.lastFrame = e.frame;
    if (e.retain === true) run.retained++;
    if (e.sourceFrame !== undefined) {
      run.linked++;
      const delay = forwardingDelayMs(e);
      if (delay !== undefined) run.delays.add(delay);
      if (e.queued === true) {
        run.queued++;
        if (e.forwardDelayMs !== undefined) run.held.add(e.forwardDelayMs);
      }
      if (source !== undefined && !run.sourceStreams.includes(source)) run.sourceStreams.push(source);
    }
  }

  private other(e: MqttEvent): void {
    const key = `${e.stream}\u0000${e.type}\u0000${e.direction}`;
    let run = this.otherRuns.get(key);
    if (run === undefined) {
      if (this.publishRuns.size + this.deliveryRuns.size + this.otherRuns.size >= REPORT_LIMITS.runs) {
        this.runsNotTold++;
        return;
      }
      run = { stream: e.stream, type: e.type, direction: e.direction, count: 0, firstFrame: e.frame, lastFrame: e.frame, frames: [], latencies: new SpreadBuilder() };
      this.otherRuns.set(key, run);
    }
    run.count++;
    run.lastFrame = e.frame;
    pushCapped(run.frames, e.frame);
    if (e.latencyMs !== undefined) run.latencies.add(e.latencyMs);
  }

  private countTopic(topic: string, what: 'published' | 'delivered' | 'retainedDelivered'): void {
    let t = this.topicCounts.get(topic);
    if (t === undefined) {
      if (this.topicCounts.size >= 10_000) return;
      t = { published: 0, delivered: 0, retainedDelivered: 0 };
      this.topicCounts.set(topic, t);
    }
    t[what]++;
  }

  private finding(e: FindingEvent): void {
    const frames = e.evidence?.frames ?? [e.frame];
    // Findings are grouped by code; a diagnosis is its own group (each has its own facts and sentence: three
    // mistyped subscriptions are three statements, not the first one's with everyone's frames).
    const key = e.code.startsWith('diag.') ? `${e.code}\u0000${this.findings.size}` : e.code;
    let g = this.findings.get(key);
    if (g === undefined) {
      if (this.findings.size >= REPORT_LIMITS.findingCodes) {
        this.findingsNotGrouped++;
        return;
      }
      g = {
        code: e.code, severity: e.severity, count: 0, frames: [], summary: e.summary, first: e,
        ...(e.stream !== undefined ? { stream: e.stream } : {}),
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
        ...(e.evidence !== undefined ? { evidence: e.evidence } : {}),
      };
      this.findings.set(key, g);
    }
    g.count += e.evidence?.count ?? 1;
    for (const f of frames) if (!g.frames.includes(f)) pushCapped(g.frames, f, REPORT_LIMITS.findingFramesKept);
  }

  private flowMqtt(e: MqttEvent): void {
    const label = e.type;
    const detail = e.type === 'PUBLISH' ? (e.topic ?? '') : e.type === 'CONNECT' ? (e.clientId ?? '')
      : e.type === 'SUBSCRIBE' ? (e.subscriptions ?? []).map((x) => x.topic).join(', ') : '';
    const note: FlowArrow['note'] = e.type === 'CONNECT' && e.clientId === '' ? 'empty-client-id' : clearsRetained(e) ? 'clears-retained' : undefined;
    const existing = this.flowArrows.get(e.frame);
    if (existing !== undefined) {
      // The frame's TCP arrow becomes the MQTT packet(s) it carried.
      if (existing.layer === 'mqtt') {
        existing.label = `${existing.label}, ${label}`;
      } else {
        existing.layer = 'mqtt';
        existing.label = label;
        existing.detail = detail;
        if (note !== undefined) existing.note = note;
      }
      if (e.sourceFrame !== undefined) existing.forwardedFrom = e.sourceFrame;
      return;
    }
    this.drawArrow({ frame: e.frame, time: e.time, from: hostOf(e.src), to: hostOf(e.dst), layer: 'mqtt', label, detail,
      ...(note !== undefined ? { note } : {}),
      ...(e.sourceFrame !== undefined ? { forwardedFrom: e.sourceFrame } : {}) });
  }

  private drawArrow(a: FlowArrow): void {
    if (this.flowArrows.has(a.frame)) return;
    if (this.flowArrows.size >= REPORT_LIMITS.flowFrames) {
      // Counted once per frame (a frame's TCP and MQTT events come together).
      if (a.frame > this.lastFlowFrameSeen) this.flowNotDrawn++;
      this.lastFlowFrameSeen = Math.max(this.lastFlowFrameSeen, a.frame);
      return;
    }
    this.lastFlowFrameSeen = Math.max(this.lastFlowFrameSeen, a.frame);
    this.flowArrows.set(a.frame, a);
  }

  private rate(e: MqttEvent): void {
    let index = Math.floor(e.time / this.rateBucketSeconds);
    let bucket = this.rateBuckets.get(index);
    if (bucket === undefined) {
      if (this.rateBuckets.size >= REPORT_LIMITS.rateBuckets) {
        this.widenRateBuckets();
        index = Math.floor(e.time / this.rateBucketSeconds);
      }
      bucket = this.rateBuckets.get(index) ?? new Map<string, number>();
      this.rateBuckets.set(index, bucket);
    }
    bucket.set(e.type, (bucket.get(e.type) ?? 0) + 1);
  }

  /** Doubles the bucket width, merging pairs: the series stays bounded however long the capture. */
  private widenRateBuckets(): void {
    const old = [...this.rateBuckets.entries()];
    this.rateBuckets.clear();
    this.rateBucketSeconds *= 2;
    for (const [index, counts] of old) {
      const merged = this.rateBuckets.get(Math.floor(index / 2)) ?? new Map<string, number>();
      for (const [type, n] of counts) merged.set(type, (merged.get(type) ?? 0) + n);
      this.rateBuckets.set(Math.floor(index / 2), merged);
    }
  }

  facts(summary: AnalysisSummary, file: string): ReportFacts {
    const connections = [...this.streams.values()].map((s) => s.fact).sort((a, b) => a.stream - b.stream);
    for (const c of connections) {
      const closedBy = this.endedByLifecycle.get(c.stream);
      if (closedBy !== undefined && c.fins.length === 0 && c.reset === undefined) c.fins.push({ frame: c.lastFrame, by: closedBy });
      const reason = this.sessionEnds.get(c.stream);
      if (reason !== undefined) c.sessionEnd = reason;
      // After a RST, or after the other side's FIN (a side's own FIN may be captured before its DISCONNECT retransmitted).
      const d = c.disconnect;
      if (d !== undefined && ((c.reset !== undefined && c.reset.frame < d.frame) || c.fins.some((f) => f.by !== d.by && f.frame < d.frame))) d.late = true;
    }
    const mqttConnections = connections.filter((c) => c.mqtt);
    const told = mqttConnections.slice(0, REPORT_LIMITS.connections);
    const connectionsBeyond = mqttConnections.slice(REPORT_LIMITS.connections).filter((c) => c.subscribes.length > 0);
    const connectionsNotTold = this.connectionsNotTold + mqttConnections.length - told.length;
    const hosts = this.hostFacts(summary, mqttConnections);
    const brokers: ReportFacts['brokers'] = [];
    for (const c of mqttConnections) {
      if (!brokers.some((b) => b.ip === c.serverIp && b.port === c.serverPort)) brokers.push({ ip: c.serverIp, port: c.serverPort, transport: c.transport });
    }
    const publishRuns = [...this.publishRuns.values()].map(({ lastTimeSeen: _l, intervals, acks, ...run }) => {
      const interval = intervals.spread();
      const ackLatencyMs = acks.spread();
      return { ...run, ...(interval !== undefined ? { interval } : {}), ...(ackLatencyMs !== undefined ? { ackLatencyMs } : {}) };
    }).sort((a, b) => a.firstFrame - b.firstFrame);
    const deliveryRuns = [...this.deliveryRuns.values()].map(({ delays, held, ...run }) => {
      const delayMs = delays.spread();
      const heldMs = held.spread();
      return { ...run, ...(delayMs !== undefined ? { delayMs } : {}), ...(heldMs !== undefined ? { heldMs } : {}) };
    }).sort((a, b) => a.firstFrame - b.firstFrame);
    const otherMqtt = [...this.otherRuns.values()].map(({ latencies, ...run }) => {
      const latencyMs = latencies.spread();
      return { ...run, ...(latencyMs !== undefined ? { latencyMs } : {}) };
    }).sort((a, b) => a.firstFrame - b.firstFrame);
    const delay = this.ack.delays.spread();
    const acks: AckFacts = {
      dataSegments: this.ack.dataSegments, acknowledged: this.ack.acknowledged, byPureAck: this.ack.byPureAck,
      piggybacked: this.ack.piggybacked, delayed: this.ack.delayed, delayedCount: this.ack.delayedCount,
      ...(delay !== undefined ? { delayMs: delay } : {}), ...(this.ack.example !== undefined ? { example: this.ack.example } : {}),
    };
    const otherTraffic: Record<string, number> = {};
    for (const [proto, n] of Object.entries(summary.frames.byProtocol).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (proto !== 'arp' && proto !== 'tcp') otherTraffic[proto] = n;
    }
    const otherTcpConnections = summary.tcp.connections - mqttConnections.length - this.connectionsNotTold;
    const clientIdOf = (endpoint: string): string => {
      const c = mqttConnections.find((x) => x.client === endpoint);
      return c?.connect?.clientId !== undefined && c.connect.clientId !== '' ? c.connect.clientId : hostOf(endpoint);
    };
    const topics = summary.mqtt.topics.map((t) => ({
      topic: t.topic,
      published: this.topicCounts.get(t.topic)?.published ?? 0,
      delivered: this.topicCounts.get(t.topic)?.delivered ?? 0,
      retainedDelivered: this.topicCounts.get(t.topic)?.retainedDelivered ?? 0,
      publishers: t.publishers.map(clientIdOf),
      subscribers: t.subscribers.map(clientIdOf),
    }));
    const arrows = [...this.flowArrows.values()].sort((a, b) => a.frame - b.frame);
    const retransmissions = {
      ...this.retrans, duplicateAcks: summary.tcp.duplicateAcks, outOfOrder: summary.tcp.outOfOrder, lostSegments: summary.tcp.lostSegments,
    };
    retransmissions.total = Math.max(retransmissions.total, summary.tcp.retransmissions);
    const types = [...new Set([...this.rateBuckets.values()].flatMap((m) => [...m.keys()]))].sort(mqttTypeOrder);
    return {
      file, summary, hosts, brokers,
      arp: this.arp, arpPackets: this.arpPackets, arpNotTold: this.arpNotTold,
      connections: told, connectionsNotTold: Math.max(0, connectionsNotTold), connectionsBeyond,
      publishRuns, deliveryRuns, otherMqtt, runsNotTold: this.runsNotTold, acks, retransmissions,
      findings: [...this.findings.values()].sort((a, b) => (a.frames[0] ?? 0) - (b.frames[0] ?? 0) || (a.code < b.code ? -1 : 1)),
      otherTraffic, otherTcpConnections: Math.max(0, otherTcpConnections), topics,
      flow: { columns: flowColumns(arrows, hosts), arrows, notDrawn: this.flowNotDrawn },
      rate: { bucketSeconds: this.rateBucketSeconds, buckets: this.rateBuckets, types },
      timeline: this.timeline, timelineNotShown: this.timelineNotShown,
    };
  }

  private hostFacts(summary: AnalysisSummary, mqtt: ConnectionFact[]): HostFact[] {
    const roles = new Map<string, Set<Role>>();
    const ids = new Map<string, string[]>();
    const add = (ip: string, role: Role): void => {
      const set = roles.get(ip) ?? new Set<Role>();
      set.add(role);
      roles.set(ip, set);
    };
    for (const c of mqtt) {
      add(c.serverIp, 'broker');
      add(c.clientIp, 'client');
      const id = c.connect?.clientId;
      if (id !== undefined && id !== '') {
        const list = ids.get(c.clientIp) ?? [];
        if (!list.includes(id) && list.length < 10) list.push(id);
        ids.set(c.clientIp, list);
      }
    }
    for (const r of this.publishRuns.values()) add(r.clientIp, 'publisher');
    for (const c of mqtt) if (c.subscribes.length > 0) add(c.clientIp, 'subscriber');
    for (const r of this.deliveryRuns.values()) add(r.clientIp, 'subscriber');
    const order: Role[] = ['broker', 'publisher', 'subscriber', 'client'];
    const hosts: HostFact[] = summary.hosts.map((h) => {
      const set = roles.get(h.ip) ?? new Set<Role>();
      if (set.has('publisher') || set.has('subscriber')) set.delete('client');
      return {
        ip: h.ip, ...(h.mac !== undefined ? { mac: h.mac } : {}), ...(h.sameMachineAs !== undefined ? { sameMachineAs: h.sameMachineAs } : {}),
        roles: order.filter((r) => set.has(r)),
        clientIds: ids.get(h.ip) ?? [], frames: h.frames,
      };
    });
    // Hosts with a role first (broker, publishers, subscribers), then the rest, each in the summary's order.
    const rank = (h: HostFact): number => (h.roles.length === 0 ? order.length : order.indexOf(h.roles[0]!));
    return hosts.map((h, i) => ({ h, i })).sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i).map((x) => x.h);
  }
}

const MQTT_ORDER = ['CONNECT', 'CONNACK', 'SUBSCRIBE', 'SUBACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];

function mqttTypeOrder(a: string, b: string): number {
  return MQTT_ORDER.indexOf(a) - MQTT_ORDER.indexOf(b);
}

/** The flow graph's columns: publishers, then the broker, then subscribers and other hosts (publisher → broker → subscriber reads left to right). */
function flowColumns(arrows: FlowArrow[], hosts: HostFact[]): string[] {
  const seen: string[] = [];
  for (const a of arrows) {
    if (!seen.includes(a.from)) seen.push(a.from);
    if (!seen.includes(a.to)) seen.push(a.to);
  }
  const roleOf = (ip: string): number => {
    const roles = hosts.find((h) => h.ip === ip)?.roles ?? [];
    if (roles.includes('publisher') && !roles.includes('subscriber')) return 0;
    if (roles.includes('broker')) return 1;
    if (roles.includes('subscriber')) return 2;
    return 3;
  };
  return seen.map((ip, i) => ({ ip, i })).sort((a, b) => roleOf(a.ip) - roleOf(b.ip) || a.i - b.i).map((x) => x.ip);
}
