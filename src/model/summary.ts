/**
 * The summary's shape: what a run reports about a capture as a whole (frames, hosts, TCP connections, MQTT sessions,
 * topics, latency, findings). Types only; the analysis builds it (src/analysis/summary.ts), views read it.
 */
import type {
  ConnectionEndReason, MqttSessionEndedEvent, MqttSessionStartedEvent, SessionEndReason, TcpConnectionEndedEvent,
} from './events.js';

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

/**
 * One tunnel the capture's frames were carried in (summary.tunnels): a tunnel between two outer (underlay) addresses,
 * either direction, with the frames it carried (an outer datagram reassembled from fragments counts once, at its
 * completing frame). One member per kind of encapsulation, told apart by `kind`.
 */
export type TunnelSummary = OverlayTunnelSummary | GreTunnelSummary | ErspanTunnelSummary | IpInIpTunnelSummary | MplsInUdpTunnelSummary;

/** A VXLAN, VXLAN-GPE or Geneve network (over UDP) between two outer addresses. */
export interface OverlayTunnelSummary {
  kind: 'vxlan' | 'vxlan-gpe' | 'geneve';
  /** The Virtual Network Identifier. */
  vni: number;
  /** The two outer IP addresses, sorted. */
  endpoints: [string, string];
  frames: number;
  /** Of them, frames whose VXLAN header broke RFC 7348 (no I flag). Absent when 0. */
  malformed?: number;
}

/** A GRE tunnel (carrying IP, Ethernet frames, MPLS or PPTP's PPP) between two outer addresses, by its key or call id. */
export interface GreTunnelSummary {
  kind: 'gre';
  /** The GRE key; absent for packets without one. */
  key?: number;
  /** PPTP (enhanced GRE, version 1): the call id. */
  callId?: number;
  endpoints: [string, string];
  frames: number;
}

/** An ERSPAN mirror session (in GRE) between two outer addresses, by type and session id. */
export interface ErspanTunnelSummary {
  kind: 'erspan';
  /** 1, 2 or 3: ERSPAN type I, II or III. */
  type: 1 | 2 | 3;
  /** The session id (types II and III). */
  session?: number;
  endpoints: [string, string];
  frames: number;
}

/** IP packets carried in IP packets (IPIP, 6in4, ip6tnl) between two outer addresses. */
export interface IpInIpTunnelSummary {
  kind: 'ip-in-ip';
  endpoints: [string, string];
  frames: number;
}

/** MPLS in UDP (port 6635) between two outer addresses. */
export interface MplsInUdpTunnelSummary {
  kind: 'mpls-in-udp';
  endpoints: [string, string];
  frames: number;
}

export interface HostSummary {
  ip: string;
  mac?: string;
  frames: number;
  /** An IPv6 address of a dual-stack host: the IPv4 address of the same machine (same MAC, not routed; src/model/machine.ts). */
  sameMachineAs?: string;
}

/**
 * One TCP connection, once ended: the fields of its `connection-ended` event (src/model/events.ts), its endpoints, and
 * why it ended as `end` (the event's `reason`).
 */
export interface ConnectionSummary extends Pick<TcpConnectionEndedEvent,
  'stream' | 'state' | 'closedBy' | 'handshake' | 'synAttempts' | 'handshakeRttMs' | 'firstFrame' | 'lastFrame'
  | 'bytesToServer' | 'bytesToClient' | 'protocol'> {
  client: string;
  server: string;
  /** Why it ended; who closed it (first FIN or the RST) is `closedBy`. */
  end: ConnectionEndReason;
}

/**
 * One MQTT session: the fields of its `session-started` and `session-ended` events (src/model/events.ts), its
 * endpoints, and how it ended as `end`/`endReasonCode` (the end event's `reason`/`reasonCode`).
 */
export interface SessionSummary extends Pick<MqttSessionStartedEvent, 'cleanSession' | 'username' | 'willTopic'>,
  Pick<MqttSessionEndedEvent, 'stream' | 'clientId' | 'protocolVersion' | 'versionInferred' | 'keepAlive' | 'accepted' | 'connackCode' | 'packets'> {
  client: string;
  server: string;
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
  /** QoS 0/1/2 of the PUBLISHes counted in `published` (to the broker) and in `delivered` (the broker's copies); they add up to `qos`. */
  publishedQos: [number, number, number];
  deliveredQos: [number, number, number];
  publishers: string[];
  /** Client ids whose Will the broker delivered on this topic (no client PUBLISH: the broker's own), when any. */
  wills?: string[];
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
  /** Hosts by the frames they sent: the innermost IP of a tunnelled frame (the overlay's hosts, as tshark's columns). */
  hosts: HostSummary[];
  /** The tunnels (VXLAN, VXLAN-GPE, Geneve, GRE, ERSPAN, IP in IP) frames were carried in, by frames (at most 256 listed). Absent when no frame was tunnelled. */
  tunnels?: TunnelSummary[];
  tcp: {
    connections: number;
    listed: ConnectionSummary[];
    /** Ended connections past the summary's cap (10 000, or the caller's): counted, not listed. Absent when 0. */
    notListed?: number;
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
    /** Ended sessions past the summary's cap: counted, not listed. Absent when 0. */
    sessionsNotListed?: number;
    topics: TopicSummary[];
    /**
     * Keyed "CONNECT→CONNACK", "PUBLISH→PUBACK (broker)", "PUBLISH→PUBACK (subscriber)"... (a publish acknowledgement by
     * who answers: src/mqtt/latency-kind.ts). Median and p95 interpolate between closest ranks.
     */
    latency: Record<string, LatencyStats>;
    /** The broker's forwarding delay (retained copies sent on subscription, Wills and queued copies excluded). */
    forwarding?: LatencyStats;
    /** Broker PUBLISHes linked to their publisher's PUBLISH (retained copies included). */
    forwarded: number;
    /** MQTT 5 request/response: from a request PUBLISH to its response PUBLISH (events' `responseMs`). Absent when none. */
    requestResponse?: LatencyStats;
  };
  findings: { total: number; byCode: Record<string, number>; bySeverity: Record<string, number> };
}

