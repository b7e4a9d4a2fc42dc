/**
 * What the live view shows, as plain data: a snapshot of the sliding windows at one moment (topics, clients,
 * latency, forwarding delay, connections, message-rate history, latest findings) and the row of one finished interval
 * (`lines` and `ndjson` formats). Made by ./aggregate.ts, read by the renderers. Types only.
 */
import type { FindingCode } from '../model/findings.js';
import type { Severity } from '../model/events.js';

/** What the analysis itself knows now (from CaptureAnalyzer.snapshot()): totals since the start, what is open. */
export interface AnalysisFacts {
  mqttMessages: number;
  publishes: number;
  findings: number;
  /** TCP connections opened and not yet ended. */
  openConnections: number;
  /** MQTT sessions started and not yet ended. */
  connectedClients: number;
}

export type TopicSort = 'messages' | 'bytes' | 'topic';
export type ClientSort = 'messages' | 'client' | 'since';

export interface TopicRate {
  topic: string;
  /** PUBLISH packets sent to the broker, per second, over the window. */
  publishedPerSecond: number;
  /** PUBLISH packets the broker delivered to subscribers, per second, over the window. */
  deliveredPerSecond: number;
  /** Both directions. */
  messagesPerSecond: number;
  /** Payload bytes per second, both directions. */
  bytesPerSecond: number;
  /** Capture time (seconds) of the latest PUBLISH. */
  lastSeen: number;
}

export interface ClientActivity {
  stream: number;
  /** Absent when the capture holds no CONNECT for the connection. */
  clientId?: string;
  /** The client's address ("ip:port"). */
  address: string;
  /** Capture time of the CONNECT (or of the first packet seen). */
  since: number;
  /** PUBLISH packets per second over the window: sent by the client, delivered to it. */
  sentPerSecond: number;
  receivedPerSecond: number;
  lastSeen: number;
  state: 'connected' | 'refused' | 'closed';
}

export interface LatencyNow {
  /** "CONNECT→CONNACK", "PUBLISH→PUBACK", ..., or "broker forwarding". */
  kind: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface RecentFinding {
  frame: number;
  time: number;
  code: FindingCode;
  severity: Severity;
  summary: string;
}

export interface WatchSnapshot {
  /** Capture time (seconds since the first frame) the snapshot describes. */
  time: number;
  intervalSeconds: number;
  /** Length of the sliding window the rates and percentiles cover (seconds). */
  windowSeconds: number;
  /** Frames and MQTT messages since the start. */
  totals: { mqttMessages: number; publishes: number; findings: number };
  /** MQTT control packets per second and PUBLISH payload bytes per second over the window. */
  messagesPerSecond: number;
  bytesPerSecond: number;
  openConnections: number;
  connectedClients: number;
  /** Topics active in the window, sorted, at most the number asked for; `activeTopics` counts them all. */
  topics: TopicRate[];
  activeTopics: number;
  clients: ClientActivity[];
  trackedClients: number;
  latency: LatencyNow[];
  forwarding?: LatencyNow;
  /** MQTT messages per interval, oldest first, the newest (still filling) last. */
  history: number[];
  /** Latest findings, newest first. */
  findings: RecentFinding[];
}

/** One finished interval: what `--format lines` prints as a line and `--format ndjson` as an object. */
export interface IntervalRow {
  /** Capture time of the interval's start and end (seconds). */
  start: number;
  end: number;
  /** Wall-clock time of the interval's end when the capture's start time is known (ISO 8601). */
  at?: string;
  mqttMessages: number;
  published: number;
  delivered: number;
  bytes: number;
  openConnections: number;
  connectedClients: number;
  /** p50/p95 of each request kind answered in the interval (and the broker's forwarding delay). */
  latency: LatencyNow[];
  findings: number;
  /** The busiest topics of the interval (at most 5), busiest first. */
  topics: IntervalTopic[];
  /** Clients connected or active in the interval (at most 10), busiest first. */
  clients: IntervalClient[];
}

export interface IntervalTopic {
  topic: string;
  published: number;
  delivered: number;
  bytes: number;
}

export interface IntervalClient {
  clientId?: string;
  address: string;
  /** PUBLISH packets the client sent and received in the interval. */
  sent: number;
  received: number;
  state: 'connected' | 'refused' | 'closed';
}
