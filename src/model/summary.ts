/**
 * The summary's shape: what a run reports about a capture as a whole (frames, hosts, TCP connections, MQTT sessions,
 * topics, latency, findings). Types only; the analysis builds it (src/analysis/summary.ts), views read it.
 */
import type { ConnectionEndReason, HandshakeOutcome, SessionEndReason, Side } from './events.js';

/** Latency statistics of one kind of request/response pair (or of broker forwarding). */
export interface LatencyStats {
  count: number;
  minMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

/** The capture file formats the reader knows. */
export type CaptureFormat = 'pcap' | 'pcapng';

export interface HostSummary {
  ip: string;
  mac?: string;
  frames: number;
}

export interface ConnectionSummary {
  stream: number;
  client: string;
  server: string;
  /** TCP state when it ended. */
  state: string;
  /** Why it ended, who closed it (first FIN or the RST), how its handshake went. */
  end: ConnectionEndReason;
  closedBy?: Side;
  handshake: HandshakeOutcome;
  synAttempts: number;
  /** SYN to handshake ACK, when the handshake was captured. */
  handshakeRttMs?: number;
  firstFrame: number;
  lastFrame: number;
  bytesToServer: number;
  bytesToClient: number;
  /** "mqtt", "mqtt-ws", "mqtt-tls" or "other". */
  protocol: string;
}

export interface SessionSummary {
  stream: number;
  client: string;
  server: string;
  clientId?: string;
  protocolVersion?: number;
  versionInferred?: boolean;
  keepAlive?: number;
  cleanSession?: boolean;
  username?: string;
  willTopic?: string;
  accepted?: boolean;
  connackCode?: number;
  packets: number;
  /** How the session ended, and the DISCONNECT reason code (MQTT 5) when it ended by one. Absent while open (a snapshot). */
  end?: SessionEndReason;
  endReasonCode?: number;
}

export interface TopicSummary {
  topic: string;
  /** PUBLISH packets on the topic, both directions (published + delivered). */
  messages: number;
  /** PUBLISH packets a client sent to the broker. */
  published: number;
  /** PUBLISH packets the broker sent to a client (the copies it forwarded, one per subscriber). */
  delivered: number;
  /** Payload bytes and QoS mix of every PUBLISH packet on the topic, both directions. */
  bytes: number;
  qos: [number, number, number];
  publishers: string[];
  subscribers: string[];
  firstTime: number;
  lastTime: number;
  /** All PUBLISH packets per second between the first and the last, copies included (0 when they share one time). */
  ratePerSecond: number;
  /** Messages per second, only over a meaningful span (see TopicRate); absent otherwise. */
  rate?: TopicRate;
}

/**
 * A topic's message rate: (messages − 1) / seconds between the first and the last, of the messages published to the
 * broker, or of the copies delivered when the capture holds no publish on the topic (a capture on a subscriber's
 * side). Given only over at least 2 messages and at least 1 s.
 */
export interface TopicRate {
  perSecond: number;
  of: 'published' | 'delivered';
  messages: number;
  seconds: number;
}

export interface AnalysisSummary {
  capture: {
    format: CaptureFormat;
    gzip: boolean;
    bytes: number;
    linkTypes: number[];
    /** Epoch seconds of the first frame. */
    startEpoch?: number;
    durationSeconds: number;
  };
  frames: {
    /** Records read: decoded + undecodable + skipped. */
    read: number;
    decoded: number;
    undecodable: number;
    /** Packet records not delivered as frames, by reason ("truncated-record", "bad-record", "unknown-interface"). */
    skipped: Record<string, number>;
    /** pcapng blocks that are not packets and were skipped, by reason ("other-block": statistics, name resolution...; "unknown-block"; "interface-cap"): not frames. */
    otherBlocks?: Record<string, number>;
    /** Decoded frames by their highest layer ("arp", "tcp", "udp", "icmpv6"...). */
    byProtocol: Record<string, number>;
  };
  hosts: HostSummary[];
  tcp: {
    connections: number;
    listed: ConnectionSummary[];
    retransmissions: number;
    outOfOrder: number;
    duplicateAcks: number;
    lostSegments: number;
    duplicatesAcrossInterfaces: number;
  };
  mqtt: {
    messages: number;
    byType: Record<string, number>;
    sessions: SessionSummary[];
    topics: TopicSummary[];
    /** Keyed "CONNECT→CONNACK", "PUBLISH→PUBACK"... Median and p95 interpolate between closest ranks. */
    latency: Record<string, LatencyStats>;
    /** The broker's forwarding delay (retained copies sent on subscription excluded). */
    forwarding?: LatencyStats;
    /** Broker PUBLISHes linked to their publisher's PUBLISH (retained copies included). */
    forwarded: number;
  };
  findings: { total: number; byCode: Record<string, number>; bySeverity: Record<string, number> };
}

