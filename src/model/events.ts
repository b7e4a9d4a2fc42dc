/**
 * The event contract: every fact mqtt-pcap reports is a TimelineEvent, told apart by `kind`:
 * - `packet`: one per ARP packet, TCP segment, TLS record, MQTT control packet or other frame (then by `layer`);
 * - `lifecycle`: a TCP connection opened or ended, an MQTT session started or ended (then by `type`);
 * - `finding`: something unusual or wrong, with a `code` from the catalogue (./findings.ts), diagnoses included.
 * Views, checks, the diagnosis and the live view read only these types. Types only, no behaviour; this folder
 * imports nothing else of the project.
 */
import type { FindingCode } from './findings.js';

export type Severity = 'error' | 'warning' | 'note';

/** Fields every event has. */
export interface BaseEvent {
  /** What sort of fact this is: the discriminator of TimelineEvent. */
  kind: 'packet' | 'lifecycle' | 'finding';
  /** 1-based frame number (for MQTT: the frame that completed the packet, Wireshark's convention). */
  frame: number;
  /** Seconds since the first frame of the capture. */
  time: number;
  layer: 'frame' | 'arp' | 'ip' | 'tcp' | 'tls' | 'mqtt' | 'capture';
  type: string;
  /** "ip:port" ("[v6]:port" for IPv6); MAC or IP for ARP; "" when unknown. */
  src: string;
  dst: string;
  /** One human line, in Wireshark's words. */
  summary: string;
}

/**
 * An encapsulation a packet was carried in (the `tunnels` of packet events, outermost first), one member per kind:
 * its outer addresses (`src`, `dst`: "ip:port" for the tunnels over UDP, the IP alone for the others) and the fields
 * that tell one tunnel from another.
 */
export type EventTunnel = OverlayEventTunnel | GreEventTunnel | ErspanEventTunnel | IpInIpEventTunnel | MplsInUdpEventTunnel;

/** VXLAN, VXLAN-GPE or Geneve (over UDP): the VNI; `malformed` when a VXLAN header broke RFC 7348 (decode.bad-tunnel-header). */
export interface OverlayEventTunnel {
  kind: 'vxlan' | 'vxlan-gpe' | 'geneve';
  src: string;
  dst: string;
  vni: number;
  malformed?: true;
}

/**
 * GRE (IP protocol 47, or UDP port 4754: src and dst then "ip:port") carrying IP, Ethernet, MPLS or PPTP's PPP: the
 * key, when the header has one; PPTP's call id; the MPLS labels it carries (outermost first).
 */
export interface GreEventTunnel {
  kind: 'gre';
  src: string;
  dst: string;
  key?: number;
  callId?: number;
  labels?: number[];
}

/** An ERSPAN mirror session in GRE: its type (1, 2, 3 for types I, II, III) and session id (types II and III). */
export interface ErspanEventTunnel {
  kind: 'erspan';
  src: string;
  dst: string;
  type: 1 | 2 | 3;
  session?: number;
}

/** IP in IP (IPv4 or IPv6 inside IPv4 or IPv6: IPIP, 6in4, ip6tnl): the outer addresses only. */
export interface IpInIpEventTunnel {
  kind: 'ip-in-ip';
  src: string;
  dst: string;
}

/** MPLS in UDP (port 6635): the label stack, outermost first. */
export interface MplsInUdpEventTunnel {
  kind: 'mpls-in-udp';
  src: string;
  dst: string;
  labels: number[];
}

/** Packet events of a tunnelled frame carry its tunnels: `src`/`dst` are then the inner (overlay) endpoints. */
export interface Tunnelled {
  /** The encapsulations this frame was carried in, outermost first. Absent when it was not tunnelled. */
  tunnels?: EventTunnel[];
}

export interface ArpEvent extends BaseEvent, Tunnelled {
  kind: 'packet';
  layer: 'arp';
  type: 'who-has' | 'is-at' | 'arp';
  opcode: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

export type TcpEventType = 'SYN' | 'SYN-ACK' | 'ACK' | 'DATA' | 'FIN' | 'RST' | 'SEGMENT';

export interface TcpEvent extends BaseEvent, Tunnelled {
  kind: 'packet';
  layer: 'tcp';
  type: TcpEventType;
  /** Connection index (Wireshark's tcp.stream). */
  stream: number;
  /** Flag names present, e.g. ["SYN","ACK"]. */
  flags: string[];
  /** Raw sequence/ack numbers and their values relative to each side's initial sequence number. */
  seq: number;
  ack: number;
  relSeq: number;
  relAck: number;
  /** TCP payload length. */
  len: number;
  /**
   * Payload bytes captured, only when the snapshot length cut the segment before its end (fewer than `len`; 0: only
   * the headers were captured). Wireshark's "[Packet size limited during capture]".
   */
  capturedLen?: number;
  /** Window size as Wireshark's tcp.window_size: scaled by the handshake's window scale once it is known. */
  window: number;
  /** The window field as sent (Wireshark's tcp.window_size_value). */
  windowValue: number;
  /** Analysis flags, as Wireshark's tcp.analysis.*. */
  retransmission?: boolean;
  outOfOrder?: boolean;
  duplicateAck?: boolean;
  /**
   * The segment arrived corrupted (Wireshark with tcp.check_checksum: tcp.checksum.status Bad) from a sender whose
   * first checksum that could be verified was right, so not a NIC's checksum offload: the receiver drops it, and its bytes are not taken
   * into the stream (its retransmission's are).
   */
  badChecksum?: boolean;
  /** Set on the third packet of a three-way handshake: the handshake's round-trip time (SYN to ACK). */
  handshakeRttMs?: number;
  /** Set on the ACK of a handshake: frames of SYN and SYN-ACK. */
  handshakeFrames?: number[];
  /** The same packet already seen on another interface of an `-i any` capture. */
  duplicateOf?: number;
}

/** A decoded MQTT payload, ready to show. */
export interface MqttPayload {
  /** Real length in bytes (kept even when the bytes were cut by the snaplen or a cap). */
  length: number;
  /** "text" when valid UTF-8, "json" when it parses as JSON, "binary" otherwise. */
  format: 'text' | 'json' | 'binary';
  /** The payload as UTF-8 text (text and json). */
  text?: string;
  /** The payload as hex (binary). */
  hex?: string;
  /** True when fewer bytes than `length` were available. */
  incomplete?: boolean;
}

export type MqttPacketType =
  | 'CONNECT' | 'CONNACK' | 'PUBLISH' | 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP' | 'SUBSCRIBE' | 'SUBACK'
  | 'UNSUBSCRIBE' | 'UNSUBACK' | 'PINGREQ' | 'PINGRESP' | 'DISCONNECT' | 'AUTH';

export interface MqttSubscription {
  topic: string;
  qos: number;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: number;
}

export interface MqttEvent extends BaseEvent {
  kind: 'packet';
  layer: 'mqtt';
  type: MqttPacketType;
  stream: number;
  /** All frames that carried bytes of this packet, in order (the last is `frame`). */
  frames: number[];
  /** "client" when sent by the client (the side that sent the SYN, or that sent CONNECT), else "server". */
  direction: 'client' | 'server';
  /** Wireshark's mqtt.msgtype value. */
  msgtype: number;
  /** Remaining length from the fixed header. */
  length: number;
  /** Protocol version in force on the connection (3 = 3.1, 4 = 3.1.1, 5 = 5.0), if known. */
  protocolVersion?: number;
  /** True when no CONNECT was seen and the version was inferred from the packets. */
  versionInferred?: boolean;
  /**
   * CONNECT: the protocol level byte had its top bit set (0x80), as a broker's bridge connection sends it (Mosquitto's
   * `try_private`, e.g. 0x84 for MQTT 3.1.1); `protocolVersion` is the level without that bit.
   */
  bridge?: true;
  topic?: string;
  /** MQTT 5 topic alias carried by this PUBLISH. */
  topicAlias?: number;
  packetId?: number;
  qos?: number;
  dup?: boolean;
  retain?: boolean;
  payload?: MqttPayload;
  // CONNECT
  clientId?: string;
  protocolName?: string;
  keepAlive?: number;
  cleanSession?: boolean;
  username?: string;
  /** "***" unless secrets are shown. */
  password?: string;
  /** The Will: MQTT 5 Will Properties as `properties` (user properties as `userProperties`), like the packet's own. */
  will?: {
    topic: string; qos: number; retain: boolean; payload: MqttPayload;
    properties?: Record<string, unknown>; userProperties?: Array<[string, string]>;
  };
  // CONNACK
  /** MQTT 3.1.1 and 5 only (MQTT 3.1 has no such flag). */
  sessionPresent?: boolean;
  returnCode?: number;
  reasonCode?: number;
  accepted?: boolean;
  // SUBSCRIBE / SUBACK / UNSUBSCRIBE / UNSUBACK
  subscriptions?: MqttSubscription[];
  unsubscriptions?: string[];
  grantedQos?: number[];
  reasonCodes?: number[];
  /** MQTT 5 properties, as decoded (user properties as an ordered list of [name, value]). */
  properties?: Record<string, unknown>;
  userProperties?: Array<[string, string]>;
  // Pairing
  requestFrame?: number;
  latencyMs?: number;
  // Fan-out tracing
  sourceFrame?: number;
  forwardDelayMs?: number;
  /**
   * A PUBLISH the broker sent that is the Will of this client id (no client published it: the broker did, after that
   * client's connection ended without DISCONNECT); `sourceFrame` is then its CONNECT, `forwardDelayMs` counts from
   * the end of its connection.
   */
  willOf?: string;
  /**
   * True on a PUBLISH the broker sent that copies a publish made before this connection's CONNECT: the broker held
   * the message for the client's session while the client was away. `forwardDelayMs` is then how long it was held, not
   * how fast the broker forwards (see `forwardingDelayMs`).
   */
  queued?: true;
  /**
   * MQTT 5 request/response: on a client's PUBLISH to the Response Topic of an earlier request PUBLISH (through the same
   * broker), with that request's Correlation Data (or none when it had none), the request's frame and the time between
   * the two as the clients sent them.
   */
  respondsTo?: number;
  responseMs?: number;
  /**
   * With `willOf`: the frame of the CONNECT with the same client id that took that client's session over, on which the
   * broker published the Will (before closing the old connection); `forwardDelayMs` then counts from that CONNECT.
   */
  willTakeoverFrame?: number;
  /** True when the packet was carried in WebSocket frames (MQTT over WebSocket). */
  websocket?: boolean;
  /** True when the packet was carried in TLS records and decrypted with the key log (`frames` are the records' frames). */
  tls?: boolean;
  /** Set when the packet is malformed: the finding code. */
  malformed?: string;
}

export interface FindingEvent extends BaseEvent {
  kind: 'finding';
  layer: 'capture' | 'frame' | 'ip' | 'tcp' | 'tls' | 'mqtt';
  type: 'finding';
  /** Stable code from the catalogue, documented in docs/findings.md (diagnoses: docs/diagnoses.md). */
  code: FindingCode;
  severity: Severity;
  stream?: number;
  /** Extra facts, code-specific. */
  detail?: Record<string, unknown>;
  /**
   * The frames that prove it, when there are several (a diagnosis, or repeated findings of one kind folded into
   * one): first and last frame and how many; `frame` is then the first.
   */
  evidence?: FindingEvidence;
}

export interface FindingEvidence {
  firstFrame: number;
  lastFrame: number;
  count: number;
  /** A few of the frames (at most 20), in order. */
  frames?: number[];
}

/**
 * One TLS record of MQTT over TLS (8883, --tls-port, or any port whose session is in the key log): the handshake is
 * named; with a key log the records are decrypted and the MQTT inside is reported as MqttEvents with `tls: true`.
 */
export interface TlsEvent extends BaseEvent {
  kind: 'packet';
  layer: 'tls';
  /** "Client Hello", "Server Hello", "Handshake", "Change Cipher Spec", "Application Data", "Alert"... */
  type: string;
  stream: number;
  /** Content type of the record header (TLS 1.3: 23 for every encrypted record). */
  contentType: number;
  /** Record-layer version, e.g. "0x0303". */
  version: string;
  length: number;
  serverName?: string;
  /** Set when the record was decrypted: its real content type (TLS 1.3 hides it). */
  decryptedContentType?: number;
  /** Every frame that carried bytes of the record (when more than one). */
  frames?: number[];
}

/** One packet of the capture, by layer. */
export type PacketEvent = ArpEvent | TcpEvent | TlsEvent | MqttEvent | OtherEvent | DnsEvent;

/** Everything the analysis reports, discriminated by `kind` (then `layer` for packets, `type` for lifecycle). */
export type TimelineEvent = PacketEvent | LifecycleEvent | FindingEvent;

/** A frame that is neither ARP nor TCP (UDP, ICMP, IPv6 ND...) or could not be decoded: counted, shown only in verbose output. */
export interface OtherEvent extends BaseEvent, Tunnelled {
  kind: 'packet';
  layer: 'frame' | 'ip';
  type: string;
  /** Never set: a DNS message is a DnsEvent (test `event.dns !== undefined` to tell them apart). */
  dns?: undefined;
}

/**
 * A DNS message over UDP port 53 (either side): protocol "DNS", its `summary` tshark's Info line ("Standard query
 * 0x1a2b A mqtt-brokr", "Standard query response 0x1a2b No such name A mqtt-brokr"), `src`/`dst` as "ip:port".
 */
export interface DnsEvent extends BaseEvent, Tunnelled {
  kind: 'packet';
  layer: 'ip';
  type: 'dns';
  dns: DnsFields;
}

/** A DNS message's header and first question, in tshark's field names' terms. */
export interface DnsFields {
  /** dns.id */
  id: number;
  /** dns.flags.response */
  response: boolean;
  /** dns.flags.opcode (0: standard query). */
  opcode: number;
  /** dns.flags.rcode (0 no error, 2 server failure, 3 no such name, 5 refused...), and Wireshark's name of it. */
  rcode: number;
  rcodeName: string;
  /** dns.count.queries, dns.count.answers */
  questions: number;
  answers: number;
  /** The first question (dns.qry.name, dns.qry.type and Wireshark's name of it: "A", "AAAA"...), when read whole. */
  name?: string;
  qtype?: number;
  qtypeName?: string;
  /** The addresses of the answer section's A and AAAA records (at most 32). */
  addresses: string[];
  /** The message ended before what its counts announce (tshark: Malformed Packet). */
  malformed?: true;
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle: when a TCP connection or an MQTT session begins and ends, and why. Produced by the analysis; the
// summary's connections and sessions are built from them, and the diagnosis reads them.

/** Why a TCP connection ended. */
export type ConnectionEndReason =
  /** Closed with FIN (see `closedBy` for who sent the first FIN). */
  | 'fin'
  /** Reset (see `closedBy` for who sent the RST). */
  | 'rst'
  /** Still open (or half-closed) when the capture ended. */
  | 'capture-end'
  /** Dropped from the connection table when it was full (--max-connections). */
  | 'evicted'
  /** A new SYN (another initial sequence number) reused its addresses and ports before it had closed. */
  | 'port-reused';

/** TCP connection states, as the connection table tracks them. */
export type TcpConnectionState = 'syn-sent' | 'syn-received' | 'established' | 'closing' | 'closed' | 'reset';

/**
 * How the three-way handshake went: `complete` (SYN, SYN-ACK, then ACK or data), `refused` (the SYN answered by a
 * RST), `unanswered` (SYNs without a SYN-ACK), `incomplete` (SYN-ACK seen, never acknowledged), `not-seen` (the
 * client's SYN was not captured: the capture started later).
 */
export type HandshakeOutcome = 'complete' | 'refused' | 'unanswered' | 'incomplete' | 'not-seen';

/** Who did something on a connection: the side that sent the SYN (or CONNECT) is the client. */
export type Side = 'client' | 'server';

export interface TcpConnectionOpenedEvent extends BaseEvent {
  kind: 'lifecycle';
  layer: 'tcp';
  type: 'connection-opened';
  stream: number;
  /** True when the SYN was captured (false: the capture started after the connection). */
  synSeen: boolean;
  /** True when the client was told by the SYN (false: by the ports, the SYN not being captured). */
  clientFromSyn: boolean;
  /**
   * The stream of an earlier connection with these addresses and ports that the tool's own connection table let go
   * while it was open (`--max-connections` full, or a live view's idle timeout): this one continues its traffic, picked
   * up without a SYN because of that bound, not because the capture started late.
   */
  evictedBefore?: number;
}

export interface TcpConnectionEndedEvent extends BaseEvent {
  kind: 'lifecycle';
  layer: 'tcp';
  type: 'connection-ended';
  stream: number;
  reason: ConnectionEndReason;
  /** Who sent the first FIN, or the RST. */
  closedBy?: Side;
  /** The TCP state when it ended (`closing`: one FIN seen). */
  state: TcpConnectionState;
  handshake: HandshakeOutcome;
  /** SYNs sent by the client (1 + retransmissions; 0 when not captured). */
  synAttempts: number;
  handshakeRttMs?: number;
  /**
   * The client resent its SYN, yet the SYN-ACK answers its first SYN (its TCP timestamp echo): nothing was lost, the
   * path's round trip is longer than the client's SYN timeout (1 s on Linux). The first SYN's frame, and the round
   * trip from it to the handshake's ACK (`handshakeRttMs`, as Wireshark's initial RTT, counts from the last SYN); the
   * first SYN-ACK's frame.
   */
  synResentEarly?: { firstSynFrame: number; firstSynTime: number; synAckFrame: number; rttMs: number };
  firstFrame: number;
  lastFrame: number;
  /** Payload bytes each way. */
  bytesToServer: number;
  bytesToClient: number;
  /** What the connection carried, as detected. */
  protocol: 'mqtt' | 'mqtt-ws' | 'mqtt-tls' | 'other';
}

/** How an MQTT session ended. */
export type SessionEndReason =
  /** The client sent DISCONNECT (MQTT 5: see `reasonCode`). */
  | 'disconnect'
  /** The broker sent DISCONNECT (MQTT 5 only; see `reasonCode`, e.g. 0x8E session taken over). */
  | 'broker-disconnect'
  /** The broker closed or reset the connection without a DISCONNECT. */
  | 'broker-closed'
  /** The client closed the connection without a DISCONNECT. */
  | 'client-closed'
  /** Reset by either side (see `closedBy`). */
  | 'reset'
  /** Still open when the capture ended. */
  | 'capture-end'
  /** Another connection CONNECTed with the same client id and the broker closed this one. */
  | 'taken-over'
  /** The connection was evicted from the table. */
  | 'evicted'
  /** A new connection reused the addresses and ports before this one was seen to close. */
  | 'port-reused';

export interface MqttSessionStartedEvent extends BaseEvent {
  kind: 'lifecycle';
  layer: 'mqtt';
  type: 'session-started';
  stream: number;
  /** Absent when no CONNECT was captured (version then inferred). */
  clientId?: string;
  protocolVersion?: number;
  versionInferred?: boolean;
  keepAlive?: number;
  cleanSession?: boolean;
  username?: string;
  willTopic?: string;
  /** Carried over WebSocket / TLS. */
  transport: 'tcp' | 'websocket' | 'tls';
}

export interface MqttSessionEndedEvent extends BaseEvent {
  kind: 'lifecycle';
  layer: 'mqtt';
  type: 'session-ended';
  stream: number;
  reason: SessionEndReason;
  closedBy?: Side;
  /** DISCONNECT reason code (MQTT 5). */
  reasonCode?: number;
  clientId?: string;
  /** The version in force at the end (an inferred one may have been revised by later packets). */
  protocolVersion?: number;
  versionInferred?: boolean;
  /** Keep-alive in force at the end: the CONNACK's Server Keep Alive when given, else the CONNECT's. */
  keepAlive?: number;
  /** For `taken-over`: the stream and frame of the CONNECT that took the client id over. */
  takenOverBy?: { stream: number; frame: number };
  /** CONNACK result, when one was seen. */
  accepted?: boolean;
  connackCode?: number;
  /**
   * Present when no session-started preceded this event: the broker refused the CONNECT (`refused`: a CONNACK with
   * an error code, `accepted` false) or the capture holds no answer to it (`unanswered`). The connection is told
   * all the same (reason, packets), so that the attempt is listed.
   */
  notStarted?: 'refused' | 'unanswered';
  /** Only with `notStarted`: the CONNECT's clean session flag, user name and Will topic, as a session-started carries them. */
  cleanSession?: boolean;
  username?: string;
  willTopic?: string;
  /** MQTT packets in the session, both directions. */
  packets: number;
  /** Frame of the session's first packet, and seconds it lasted. */
  firstFrame: number;
  durationSeconds: number;
}

export type LifecycleEvent = TcpConnectionOpenedEvent | TcpConnectionEndedEvent | MqttSessionStartedEvent | MqttSessionEndedEvent;
