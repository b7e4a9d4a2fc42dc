/**
 * WatchAggregator: the live view's windowed figures. Reads timeline events (packet, lifecycle and finding events:
 * the model's contract only) and keeps sliding windows of fixed-width intervals: PUBLISH rates and payload bytes per
 * topic, per-client PUBLISH rates, request→response latency per kind and the broker's forwarding delay, MQTT messages
 * per interval (the sparkline's history), the latest findings and diagnoses. What the analysis' summary already
 * knows (totals since the start, open connections, connected clients) it reads from the analysis (`facts`, made
 * from CaptureAnalyzer.snapshot()). Memory is bounded by the window and by what is active now: idle topics and closed
 * clients leave the tables once out of the window, and every table has a cap. Its clock is capture time, moved by the
 * events and by `advance()` (a live source's timer); each interval it closes is handed to `onInterval`.
 * Does not: read captures, count what the summary counts, keep history beyond the window, or format anything.
 */
import type { FindingEvent, LifecycleEvent, MqttEvent, TimelineEvent } from '../model/events.js';
import type { AnalysisSummary } from '../model/summary.js';
import { forwardingDelayMs } from '../model/forwarding.js';
import { latencyKind } from '../mqtt/latency-kind.js';
import type {
  AnalysisFacts, ClientActivity, ClientSort, IntervalClient, IntervalRow, IntervalTopic, LatencyNow, RecentFinding, TopicRate, TopicSort, WatchSnapshot,
} from './snapshot.js';
import { sortClients, sortTopics } from './sort.js';
import { WindowCounter, WindowSamples } from './window.js';

export interface WatchAggregatorOptions {
  /** Width of one interval in seconds (default 1). */
  intervalSeconds?: number;
  /** Intervals the rates and percentiles cover (default 10). */
  windowIntervals?: number;
  /** Intervals of message-rate history for the sparkline (default 60). */
  historyIntervals?: number;
  /** Table caps (defaults 10 000 each); past them new entries are not tracked. */
  maxTopics?: number;
  maxClients?: number;
  /** Findings remembered for display (default 8). */
  recentFindings?: number;
  /** Idle intervals reported one by one when the clock jumps (default 60); the rest of a long gap is skipped. */
  maxIdleRows?: number;
  onInterval?: (row: IntervalRow) => void;
  /** What the analysis knows now (totals, open connections, connected clients); zeros when not given. */
  facts?: () => AnalysisFacts;
}

/** The analysis' own figures, from its summary (or snapshot). */
export function factsOf(summary: AnalysisSummary): AnalysisFacts {
  let connectedClients = 0;
  for (const s of summary.mqtt.sessions) if (s.end === undefined) connectedClients++;
  return {
    mqttMessages: summary.mqtt.messages, publishes: summary.mqtt.byType.PUBLISH ?? 0, findings: summary.findings.total,
    openConnections: Math.max(0, summary.tcp.connections - summary.tcp.listed.length - (summary.tcp.notListed ?? 0)),
    connectedClients,
  };
}

const NO_FACTS: AnalysisFacts = { mqttMessages: 0, publishes: 0, findings: 0, openConnections: 0, connectedClients: 0 };
/** Diagnoses remembered as shown (so the final ones are not shown twice). */
const MAX_SHOWN_DIAGNOSES = 1024;

export interface SnapshotOptions {
  topicSort?: TopicSort;
  clientSort?: ClientSort;
  /** Rows wanted (default all). */
  topics?: number;
  clients?: number;
}

const FORWARDING = 'broker forwarding';
/** MQTT 5 request/response: the summary's label (views/summary-text.ts). */
const REQUEST_RESPONSE = 'MQTT 5 request→response';
const MAX_LATENCY_KINDS = 32;

interface TopicState {
  topic: string;
  published: WindowCounter;
  delivered: WindowCounter;
  bytes: WindowCounter;
  lastSeen: number;
}

interface ClientState {
  stream: number;
  clientId?: string;
  address: string;
  since: number;
  sent: WindowCounter;
  received: WindowCounter;
  lastSeen: number;
  state: 'connected' | 'refused' | 'closed';
  closedAt?: number;
}

export class WatchAggregator {
  readonly intervalSeconds: number;
  readonly windowIntervals: number;
  private readonly historyIntervals: number;
  private readonly maxTopics: number;
  private readonly maxClients: number;
  private readonly recentLimit: number;
  private readonly maxIdleRows: number;
  private readonly onInterval: ((row: IntervalRow) => void) | undefined;
  private readonly facts: () => AnalysisFacts;

  private now = 0;
  private bucket = 0;
  private readonly messages: WindowCounter;
  private readonly published: WindowCounter;
  private readonly delivered: WindowCounter;
  private readonly bytes: WindowCounter;
  private readonly findingsWindow: WindowCounter;
  private readonly topics = new Map<string, TopicState>();
  private readonly clients = new Map<number, ClientState>();
  private readonly latency = new Map<string, WindowSamples>();
  private readonly recent: RecentFinding[] = [];
  private readonly shownDiagnoses = new Set<string>();

  constructor(options: WatchAggregatorOptions = {}) {
    this.intervalSeconds = options.intervalSeconds ?? 1;
    if (!(this.intervalSeconds > 0)) throw new RangeError('intervalSeconds must be positive');
    this.windowIntervals = Math.max(1, Math.round(options.windowIntervals ?? 10));
    this.historyIntervals = Math.max(2, Math.round(options.historyIntervals ?? 60));
    this.maxTopics = options.maxTopics ?? 10_000;
    this.maxClients = options.maxClients ?? 10_000;
    this.recentLimit = options.recentFindings ?? 8;
    this.maxIdleRows = options.maxIdleRows ?? 60;
    this.onInterval = options.onInterval;
    this.facts = options.facts ?? (() => NO_FACTS);
    const keep = Math.max(this.windowIntervals, this.historyIntervals);
    this.messages = new WindowCounter(keep);
    this.published = new WindowCounter(keep);
    this.delivered = new WindowCounter(keep);
    this.bytes = new WindowCounter(keep);
    this.findingsWindow = new WindowCounter(keep);
  }

  /** Capture time the aggregator has reached. */
  get time(): number {
    return this.now;
  }

  /** Entries held in the tables: topics and clients (for the memory benchmark). */
  get tableSizes(): { topics: number; clients: number } {
    return { topics: this.topics.size, clients: this.clients.size };
  }

  /**
   * Moves the clock to `time` (capture seconds); never backwards. Every interval that ends on the way is closed and
   * reported (a long jump reports `maxIdleRows` idle intervals and skips the rest).
   */
  advance(time: number): void {
    if (!(time > this.now)) return;
    this.now = time;
    const target = Math.floor(time / this.intervalSeconds);
    if (target <= this.bucket) return;
    let closedRows = 0;
    while (this.bucket < target) {
      if (closedRows < this.maxIdleRows || this.messages.at(this.bucket) > 0) {
        this.onInterval?.(this.row(this.bucket));
        closedRows++;
      } else if (target - this.bucket > 1) {
        // The rest of a long idle gap: nothing happened in any of these intervals.
        this.bucket = target - 1;
      }
      this.bucket++;
    }
    this.expire();
  }

  add(event: TimelineEvent): void {
    this.advance(event.time);
    switch (event.kind) {
      case 'finding':
        this.addFinding(event);
        return;
      case 'lifecycle':
        this.addLifecycle(event);
        return;
      case 'packet':
        if (event.layer === 'mqtt') this.addMqtt(event);
    }
  }

  /**
   * The diagnoses so far (DiagnosisStage.judgeSoFar): those not shown yet join the latest findings, once their time
   * has come on this view's clock (a replay shows them when it gets there). Not counted: the final ones are, when
   * the analysis emits them at the end (and are not shown again).
   */
  showDiagnoses(diagnoses: readonly FindingEvent[]): void {
    for (const d of diagnoses) {
      if (d.time > this.now) continue;
      const key = diagnosisKey(d);
      if (this.shownDiagnoses.has(key)) continue;
      if (this.shownDiagnoses.size >= MAX_SHOWN_DIAGNOSES) this.shownDiagnoses.clear();
      this.shownDiagnoses.add(key);
      this.remember(d);
    }
  }

  /** Closes the interval in progress (end of input): its row is reported, even if partial. */
  flush(): void {
    this.onInterval?.(this.row(this.bucket, this.now));
  }

  snapshot(options: SnapshotOptions = {}): WatchSnapshot {
    const b = this.bucket;
    const w = this.windowIntervals;
    const seconds = this.windowDuration();
    const rate = (c: WindowCounter): number => c.sum(b, w) / seconds;
    const topics: TopicRate[] = [];
    for (const t of this.topics.values()) {
      const published = rate(t.published);
      const delivered = rate(t.delivered);
      if (published + delivered === 0) continue;
      topics.push({
        topic: t.topic, publishedPerSecond: published, deliveredPerSecond: delivered,
        messagesPerSecond: published + delivered, bytesPerSecond: rate(t.bytes), lastSeen: t.lastSeen,
      });
    }
    sortTopics(topics, options.topicSort ?? 'messages');
    const clients: ClientActivity[] = [];
    for (const c of this.clients.values()) {
      clients.push({
        stream: c.stream, ...(c.clientId !== undefined ? { clientId: c.clientId } : {}), address: c.address, since: c.since,
        sentPerSecond: rate(c.sent), receivedPerSecond: rate(c.received), lastSeen: c.lastSeen, state: c.state,
      });
    }
    sortClients(clients, options.clientSort ?? 'messages');
    const latency: LatencyNow[] = [];
    let forwarding: LatencyNow | undefined;
    for (const [kind, samples] of this.latency) {
      const stats = samples.stats(b, w);
      if (stats === undefined) continue;
      if (kind === FORWARDING) forwarding = { kind, ...stats };
      else latency.push({ kind, ...stats });
    }
    latency.sort((x, y) => x.kind.localeCompare(y.kind));
    const history: number[] = [];
    for (let k = Math.max(0, b - this.historyIntervals + 1); k <= b; k++) history.push(this.messages.at(k));
    const facts = this.facts();
    return {
      time: this.now, intervalSeconds: this.intervalSeconds, windowSeconds: w * this.intervalSeconds,
      totals: { mqttMessages: facts.mqttMessages, publishes: facts.publishes, findings: facts.findings },
      messagesPerSecond: rate(this.messages), bytesPerSecond: rate(this.bytes),
      openConnections: facts.openConnections, connectedClients: facts.connectedClients,
      topics: topics.slice(0, options.topics ?? topics.length), activeTopics: topics.length,
      clients: clients.slice(0, options.clients ?? clients.length), trackedClients: clients.length,
      latency, ...(forwarding !== undefined ? { forwarding } : {}), history, findings: [...this.recent],
    };
  }

  /** Seconds the window covers now: its full length, or less at the start of the capture (never under one interval). */
  private windowDuration(): number {
    const start = Math.max(0, (this.bucket - this.windowIntervals + 1) * this.intervalSeconds);
    return Math.max(this.intervalSeconds, this.now - start);
  }

  private row(b: number, end = (b + 1) * this.intervalSeconds): IntervalRow {
    const latency: LatencyNow[] = [];
    for (const [kind, samples] of this.latency) {
      const stats = samples.stats(b, 1);
      if (stats !== undefined) latency.push({ kind, ...stats });
    }
    latency.sort((x, y) => (x.kind === FORWARDING ? 1 : y.kind === FORWARDING ? -1 : x.kind.localeCompare(y.kind)));
    const topics: IntervalTopic[] = [];
    for (const t of this.topics.values()) {
      const published = t.published.at(b);
      const delivered = t.delivered.at(b);
      if (published + delivered > 0) topics.push({ topic: t.topic, published, delivered, bytes: t.bytes.at(b) });
    }
    topics.sort((x, y) => (y.published + y.delivered) - (x.published + x.delivered) || x.topic.localeCompare(y.topic));
    const clients: IntervalClient[] = [];
    const start = b * this.intervalSeconds;
    for (const c of this.clients.values()) {
      if (c.state !== 'connected' && c.lastSeen < start) continue;
      clients.push({
        ...(c.clientId !== undefined ? { clientId: c.clientId } : {}), address: c.address,
        sent: c.sent.at(b), received: c.received.at(b), state: c.state,
      });
    }
    clients.sort((x, y) => (y.sent + y.received) - (x.sent + x.received) || (x.clientId ?? x.address).localeCompare(y.clientId ?? y.address));
    const { openConnections, connectedClients } = this.facts();
    return {
      start: b * this.intervalSeconds, end: Math.max(end, b * this.intervalSeconds),
      mqttMessages: this.messages.at(b), published: this.published.at(b), delivered: this.delivered.at(b),
      bytes: this.bytes.at(b), openConnections, connectedClients, latency,
      findings: this.findingsWindow.at(b), topics: topics.slice(0, 5), clients: clients.slice(0, 10),
    };
  }

  /** Drops what has left the window: idle topics, clients closed for longer than the window. */
  private expire(): void {
    const oldest = this.bucket - this.windowIntervals;
    for (const [name, t] of this.topics) {
      if (t.published.lastBucket <= oldest && t.delivered.lastBucket <= oldest) this.topics.delete(name);
    }
    const windowStart = (this.bucket - this.windowIntervals + 1) * this.intervalSeconds;
    for (const [stream, c] of this.clients) {
      if (c.state !== 'connected' && (c.closedAt ?? c.lastSeen) < windowStart) this.clients.delete(stream);
    }
  }

  private addMqtt(e: MqttEvent): void {
    const b = this.bucket;
    this.messages.add(b, 1);
    const client = this.client(e);
    if (client !== undefined) client.lastSeen = e.time;
    switch (e.type) {
      case 'CONNECT':
        if (client !== undefined && e.direction === 'client') {
          if (e.clientId !== undefined) client.clientId = e.clientId;
          client.since = e.time;
          client.state = 'connected';
          delete client.closedAt;
        }
        break;
      case 'CONNACK':
        if (client !== undefined && e.accepted === false) this.close(client, 'refused');
        break;
      case 'DISCONNECT':
        if (client !== undefined) this.close(client, 'closed');
        break;
      case 'PUBLISH': {
        const size = e.payload?.length ?? 0;
        this.bytes.add(b, size);
        const toBroker = e.direction === 'client';
        (toBroker ? this.published : this.delivered).add(b, 1);
        if (client !== undefined) (toBroker ? client.sent : client.received).add(b, 1);
        const topic = this.topic(e);
        if (topic !== undefined) {
          (toBroker ? topic.published : topic.delivered).add(b, 1);
          topic.bytes.add(b, size);
          topic.lastSeen = e.time;
        }
        const delay = forwardingDelayMs(e);
        if (delay !== undefined) this.sample(FORWARDING, delay);
        if (e.responseMs !== undefined) this.sample(REQUEST_RESPONSE, e.responseMs);
        break;
      }
    }
    if (e.latencyMs !== undefined) this.sample(latencyKind(e.type, e.direction), e.latencyMs);
  }

  private addLifecycle(e: LifecycleEvent): void {
    switch (e.type) {
      case 'connection-opened':
        break;
      case 'connection-ended': {
        const c = this.clients.get(e.stream);
        if (c !== undefined && c.state === 'connected') this.close(c, 'closed');
        break;
      }
      case 'session-started': {
        const c = this.clients.get(e.stream);
        if (c !== undefined && e.clientId !== undefined) c.clientId = e.clientId;
        break;
      }
      case 'session-ended': {
        const c = this.clients.get(e.stream);
        if (c !== undefined && c.state === 'connected') this.close(c, e.accepted === false ? 'refused' : 'closed');
        break;
      }
    }
  }

  private addFinding(e: FindingEvent): void {
    this.findingsWindow.add(this.bucket, 1);
    if (e.code.startsWith('diag.') && this.shownDiagnoses.has(diagnosisKey(e))) return;
    this.remember(e);
  }

  private remember(e: FindingEvent): void {
    this.recent.unshift({ frame: e.frame, time: e.time, code: e.code, severity: e.severity, summary: e.summary });
    if (this.recent.length > this.recentLimit) this.recent.length = this.recentLimit;
  }

  private sample(kind: string, ms: number): void {
    let s = this.latency.get(kind);
    if (s === undefined) {
      if (this.latency.size >= MAX_LATENCY_KINDS) return;
      s = new WindowSamples(this.windowIntervals);
      this.latency.set(kind, s);
    }
    s.add(this.bucket, ms);
  }

  private close(c: ClientState, state: 'closed' | 'refused'): void {
    c.state = state;
    c.closedAt = this.now;
  }

  /** The client of the event's connection, made on its first MQTT packet (while the table has room). */
  private client(e: MqttEvent): ClientState | undefined {
    let c = this.clients.get(e.stream);
    if (c !== undefined) return c;
    if (this.clients.size >= this.maxClients) return undefined;
    c = {
      stream: e.stream, address: e.direction === 'client' ? e.src : e.dst, since: e.time,
      sent: new WindowCounter(this.windowIntervals), received: new WindowCounter(this.windowIntervals),
      lastSeen: e.time, state: 'connected',
    };
    this.clients.set(e.stream, c);
    return c;
  }

  private topic(e: MqttEvent): TopicState | undefined {
    const name = e.topic !== undefined && e.topic !== '' ? e.topic
      : e.topicAlias !== undefined ? `(topic alias ${e.topicAlias})` : '(no topic)';
    let t = this.topics.get(name);
    if (t !== undefined) return t;
    if (this.topics.size >= this.maxTopics) return undefined;
    const w = this.windowIntervals;
    t = { topic: name, published: new WindowCounter(w), delivered: new WindowCounter(w), bytes: new WindowCounter(w), lastSeen: e.time };
    this.topics.set(name, t);
    return t;
  }
}

/** One diagnosis, as judged so far and at the end: its code, first frame and connection. */
function diagnosisKey(d: FindingEvent): string {
  return `${d.code}|${d.frame}|${d.stream ?? ''}`;
}
