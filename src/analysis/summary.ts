/**
 * Aggregates the event stream into the run's summary: TCP connections and MQTT sessions (from their lifecycle
 * events), MQTT packets by type, topics, latency per request kind, broker forwarding delay, findings by code. Every
 * table is bounded (past the limit, entries are counted but not listed). It reads events, and the analysis flags of
 * each TCP segment (countSegment), so that the summary-only path counts them without building events; it never
 * sees bytes.
 */
import type { LifecycleEvent, MqttEvent, MqttSessionEndedEvent, MqttSessionStartedEvent, TimelineEvent } from '../model/events.js';
import type { AnalysisSummary, ConnectionSummary, LatencyStats, SessionSummary, TopicRate, TopicSummary } from '../model/summary.js';
import { forwardingDelayMs } from '../model/forwarding.js';
import { latencyKind } from '../mqtt/latency-kind.js';
import { LatencySample } from './stats.js';

export type * from '../model/summary.js';


const MAX_TOPICS = 10_000;
const MAX_LISTED_CONNECTIONS = 10_000;
const MAX_PEERS_PER_TOPIC = 100;
/** A topic's rate is given only over at least this many messages and seconds (two messages 40 µs apart are no rate). */
const RATE_MIN_MESSAGES = 2;
const RATE_MIN_SECONDS = 1;

/** How many PUBLISH packets went one way on a topic, and when the first and the last did. */
interface DirectionCount {
  count: number;
  firstTime: number;
  lastTime: number;
}

interface TopicAccumulator {
  messages: number;
  bytes: number;
  qos: [number, number, number];
  /** The same QoS mix, of the PUBLISHes to the broker and of its copies. */
  publishedQos: [number, number, number];
  deliveredQos: [number, number, number];
  publishers: Set<string>;
  /** Client ids whose Will was delivered on the topic (created on the first). */
  wills?: Set<string>;
  subscribers: Set<string>;
  firstTime: number;
  lastTime: number;
  /** To the broker (published) and from it (delivered copies). */
  published: DirectionCount;
  delivered: DirectionCount;
}

export interface SummaryBounds {
  /** Ended connections and sessions listed (default 10 000 each); past it they are counted, not listed. */
  maxListed?: number;
}

export class SummaryBuilder {
  private readonly maxListed: number;
  /** Ended connections and sessions past `maxListed`: counted, not listed. */
  private connectionsNotListed = 0;
  private sessionsNotListed = 0;

  constructor(bounds: SummaryBounds = {}) {
    this.maxListed = bounds.maxListed ?? MAX_LISTED_CONNECTIONS;
  }

  private readonly mqttByType: Record<string, number> = {};
  private mqttMessages = 0;

  get mqttCount(): number {
    return this.mqttMessages;
  }
  private readonly latency = new Map<string, LatencySample>();
  /**
   * The latency sample of each response type, one map per side that sent it (no "REQUEST→RESPONSE (who)" string made
   * per response): publish acknowledgements are kept apart by who answers (src/mqtt/latency-kind.ts).
   */
  private readonly latencyOfType = { client: new Map<string, LatencySample>(), server: new Map<string, LatencySample>() };
  private readonly forwarding = new LatencySample();
  private forwarded = 0;
  private readonly requestResponse = new LatencySample();
  private readonly topics = new Map<string, TopicAccumulator>();
  private topicsOverflow = 0;
  private readonly findingsByCode: Record<string, number> = {};
  private readonly findingsBySeverity: Record<string, number> = {};
  private findings = 0;
  retransmissions = 0;
  outOfOrder = 0;
  duplicateAcks = 0;
  lostSegments = 0;
  duplicatesAcrossInterfaces = 0;
  /** TCP connections opened; ended connections and sessions listed (bounded); sessions started and not yet ended. */
  connectionsOpened = 0;
  private readonly connections: ConnectionSummary[] = [];
  private readonly sessions: SessionSummary[] = [];
  private readonly openSessions = new Map<number, MqttSessionStartedEvent>();

  /** Wireshark-style analysis flags of one segment (counted whether or not a TCP event is built). */
  countSegment(flags: { retransmission: boolean; outOfOrder: boolean; duplicateAck: boolean; lostSegment: boolean }): void {
    if (flags.retransmission) this.retransmissions++;
    if (flags.outOfOrder) this.outOfOrder++;
    if (flags.duplicateAck) this.duplicateAcks++;
    if (flags.lostSegment) this.lostSegments++;
  }

  add(event: TimelineEvent): void {
    switch (event.kind) {
      case 'finding':
        this.findings++;
        this.findingsByCode[event.code] = (this.findingsByCode[event.code] ?? 0) + 1;
        this.findingsBySeverity[event.severity] = (this.findingsBySeverity[event.severity] ?? 0) + 1;
        return;
      case 'lifecycle':
        this.addLifecycle(event);
        return;
      case 'packet':
        if (event.layer === 'mqtt') this.addMqtt(event);
        return;
    }
  }

  private addLifecycle(e: LifecycleEvent): void {
    switch (e.type) {
      case 'connection-opened':
        this.connectionsOpened++;
        return;
      case 'connection-ended':
        if (this.connections.length >= this.maxListed) {
          this.connectionsNotListed++;
          return;
        }
        this.connections.push({
          stream: e.stream, client: e.src, server: e.dst, state: e.state, end: e.reason,
          ...(e.closedBy !== undefined ? { closedBy: e.closedBy } : {}), handshake: e.handshake, synAttempts: e.synAttempts,
          ...(e.handshakeRttMs !== undefined ? { handshakeRttMs: e.handshakeRttMs } : {}),
          firstFrame: e.firstFrame, lastFrame: e.lastFrame, bytesToServer: e.bytesToServer, bytesToClient: e.bytesToClient,
          protocol: e.protocol,
        });
        return;
      case 'session-started':
        this.openSessions.set(e.stream, e);
        return;
      case 'session-ended': {
        const started = this.openSessions.get(e.stream);
        this.openSessions.delete(e.stream);
        if (this.sessions.length >= this.maxListed) {
          this.sessionsNotListed++;
          return;
        }
        this.sessions.push(sessionOf(started, e));
        return;
      }
    }
  }

  /** Ended connections, by stream. */
  tcpListed(): ConnectionSummary[] {
    return [...this.connections].sort((a, b) => a.stream - b.stream);
  }

  /** Ended connections past the cap (counted, not listed). */
  get tcpNotListed(): number {
    return this.connectionsNotListed;
  }

  /** Sessions ended (listed or not) and still open: connected MQTT clients are the open ones. */
  get sessionCounts(): { ended: number; open: number } {
    return { ended: this.sessions.length + this.sessionsNotListed, open: this.openSessions.size };
  }

  private addMqtt(e: MqttEvent): void {
    this.mqttMessages++;
    this.mqttByType[e.type] = (this.mqttByType[e.type] ?? 0) + 1;
    if (e.latencyMs !== undefined) {
      const ofType = this.latencyOfType[e.direction];
      let sample = ofType.get(e.type);
      if (sample === undefined) {
        const key = latencyKind(e.type, e.direction);
        sample = this.latency.get(key);
        if (sample === undefined) {
          sample = new LatencySample();
          this.latency.set(key, sample);
        }
        ofType.set(e.type, sample);
      }
      sample.add(e.latencyMs);
    }
    if (e.responseMs !== undefined) this.requestResponse.add(e.responseMs);
    if (e.forwardDelayMs !== undefined) {
      this.forwarded++;
      // Retained copies, Wills and messages held for an offline session do not measure forwarding (model/forwarding.ts).
      const delay = forwardingDelayMs(e);
      if (delay !== undefined) this.forwarding.add(delay);
    }
    if (e.type === 'PUBLISH' && e.topic !== undefined) {
      let topic = this.topics.get(e.topic);
      if (topic === undefined) {
        if (this.topics.size >= MAX_TOPICS) {
          this.topicsOverflow++;
          return;
        }
        topic = {
          messages: 0, bytes: 0, qos: [0, 0, 0], publishedQos: [0, 0, 0], deliveredQos: [0, 0, 0], publishers: new Set(), subscribers: new Set(), firstTime: e.time, lastTime: e.time,
          published: { count: 0, firstTime: 0, lastTime: 0 }, delivered: { count: 0, firstTime: 0, lastTime: 0 },
        };
        this.topics.set(e.topic, topic);
      }
      topic.messages++;
      topic.bytes += e.payload?.length ?? 0;
      const qos = e.qos ?? 0;
      if (qos >= 0 && qos <= 2) {
        topic.qos[qos as 0 | 1 | 2]++;
        (e.direction === 'client' ? topic.publishedQos : topic.deliveredQos)[qos as 0 | 1 | 2]++;
      }
      topic.lastTime = e.time;
      const way = e.direction === 'client' ? topic.published : topic.delivered;
      if (way.count === 0) way.firstTime = e.time;
      way.count++;
      way.lastTime = e.time;
      const peers = e.direction === 'client' ? topic.publishers : topic.subscribers;
      const peer = e.direction === 'client' ? e.src : e.dst;
      if (peers.size < MAX_PEERS_PER_TOPIC) peers.add(peer);
      if (e.willOf !== undefined && (topic.wills ??= new Set()).size < MAX_PEERS_PER_TOPIC) topic.wills.add(e.willOf);
    }
  }

  /** The MQTT part; `live` (a snapshot) also lists the sessions not yet ended, without `end`. */
  mqttPart(live = false): AnalysisSummary['mqtt'] {
    const listed = [...this.sessions];
    if (live) {
      // Open sessions are listed apart from the ended ones' cap (a live view counts its connected clients from them).
      let open = 0;
      for (const started of this.openSessions.values()) {
        if (open++ >= this.maxListed) break;
        listed.push(sessionOf(started, undefined));
      }
    }
    const sessions = listed.sort((a, b) => a.stream - b.stream);
    const latency: Record<string, LatencyStats> = {};
    for (const [key, sample] of this.latency) {
      const stats = sample.stats();
      if (stats !== undefined) latency[key] = stats;
    }
    const topics: TopicSummary[] = [...this.topics.entries()].map(([topic, t]) => ({
      topic, messages: t.messages, published: t.published.count, delivered: t.delivered.count, bytes: t.bytes, qos: t.qos,
      publishedQos: t.publishedQos, deliveredQos: t.deliveredQos,
      publishers: [...t.publishers], ...(t.wills !== undefined ? { wills: [...t.wills] } : {}),
      subscribers: [...t.subscribers], firstTime: t.firstTime, lastTime: t.lastTime,
      ratePerSecond: t.lastTime > t.firstTime ? (t.messages - 1) / (t.lastTime - t.firstTime) : 0,
      ...optionalRate(t),
    })).sort((a, b) => b.messages - a.messages || a.topic.localeCompare(b.topic));
    const forwarding = this.forwarding.stats();
    const requestResponse = this.requestResponse.stats();
    return {
      messages: this.mqttMessages, byType: this.mqttByType, sessions,
      ...(this.sessionsNotListed > 0 ? { sessionsNotListed: this.sessionsNotListed } : {}), topics, latency,
      ...(forwarding !== undefined ? { forwarding } : {}), forwarded: this.forwarded,
      ...(requestResponse !== undefined ? { requestResponse } : {}),
    };
  }

  findingsPart(): AnalysisSummary['findings'] {
    return { total: this.findings, byCode: this.findingsByCode, bySeverity: this.findingsBySeverity };
  }
}

/** The topic's rate of published messages (of delivered copies when none was published), when the span means one. */
function optionalRate(t: TopicAccumulator): { rate?: TopicRate } {
  const of = t.published.count > 0 ? 'published' : 'delivered';
  const way = t.published.count > 0 ? t.published : t.delivered;
  const seconds = way.lastTime - way.firstTime;
  if (way.count < RATE_MIN_MESSAGES || !(seconds >= RATE_MIN_SECONDS)) return {};
  return { rate: { perSecond: (way.count - 1) / seconds, of, messages: way.count, seconds } };
}

/** A session's summary row from its started and ended events (either may be missing: picked up late, still open). */
function sessionOf(started: MqttSessionStartedEvent | undefined, e: MqttSessionEndedEvent | undefined): SessionSummary {
  const from = e ?? started!;
  const clientId = e?.clientId ?? started?.clientId;
  const keepAlive = e?.keepAlive ?? started?.keepAlive;
  const version = e !== undefined ? e.protocolVersion : started?.protocolVersion;
  const inferred = e !== undefined ? e.versionInferred : started?.versionInferred;
  // A session refused or never answered has no started event: its end carries the CONNECT's flags.
  const cleanSession = started?.cleanSession ?? e?.cleanSession;
  const username = started?.username ?? e?.username;
  const willTopic = started?.willTopic ?? e?.willTopic;
  return {
    stream: from.stream, client: from.src, server: from.dst, packets: e?.packets ?? 0,
    ...(clientId !== undefined ? { clientId } : {}),
    ...(version !== undefined ? { protocolVersion: version } : {}),
    ...(inferred === true ? { versionInferred: true } : {}),
    ...(keepAlive !== undefined ? { keepAlive } : {}),
    ...(cleanSession !== undefined ? { cleanSession } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(willTopic !== undefined ? { willTopic } : {}),
    ...(e?.accepted !== undefined ? { accepted: e.accepted } : {}),
    ...(e?.connackCode !== undefined ? { connackCode: e.connackCode } : {}),
    ...(e !== undefined ? { end: e.reason } : {}),
    ...(e?.reasonCode !== undefined ? { endReasonCode: e.reasonCode } : {}),
  };
}
