/**
 * The event contract: every fact mqtt-pcap reports is a TimelineEvent (one per ARP packet, TCP segment, MQTT control
 * packet, or finding). Views and checks read only these types. This module holds types only, no behaviour.
 */

export type Severity = 'error' | 'warning' | 'note';

/** Fields every event has. */
export interface BaseEvent {
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

export interface ArpEvent extends BaseEvent {
  layer: 'arp';
  type: 'who-has' | 'is-at' | 'arp';
  opcode: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

export type TcpEventType = 'SYN' | 'SYN-ACK' | 'ACK' | 'DATA' | 'FIN' | 'RST' | 'SEGMENT';

export interface TcpEvent extends BaseEvent {
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
  window: number;
  /** Analysis flags, as Wireshark's tcp.analysis.*. */
  retransmission?: boolean;
  outOfOrder?: boolean;
  duplicateAck?: boolean;
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
  will?: { topic: string; qos: number; retain: boolean; payload: MqttPayload };
  // CONNACK
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
  /** True when the packet was carried in WebSocket frames (MQTT over WebSocket). */
  websocket?: boolean;
  /** Set when the packet is malformed: the finding code. */
  malformed?: string;
}

export interface FindingEvent extends BaseEvent {
  layer: 'capture' | 'frame' | 'ip' | 'tcp' | 'mqtt';
  type: 'finding';
  /** Stable code, documented in docs/findings.md. */
  code: string;
  severity: Severity;
  stream?: number;
  /** Extra facts, code-specific. */
  detail?: Record<string, unknown>;
}

/** One TLS record of MQTT over TLS (port 8883): the handshake is named, the MQTT inside stays encrypted. */
export interface TlsEvent extends BaseEvent {
  layer: 'tls';
  /** "Client Hello", "Server Hello", "Handshake", "Change Cipher Spec", "Application Data", "Alert"... */
  type: string;
  stream: number;
  contentType: number;
  /** Record-layer version, e.g. "0x0303". */
  version: string;
  length: number;
  serverName?: string;
}

export type TimelineEvent = ArpEvent | TcpEvent | TlsEvent | MqttEvent | FindingEvent | OtherEvent;

/** A frame that is neither ARP nor TCP (UDP, ICMP, IPv6 ND...) or could not be decoded: counted, shown only in verbose output. */
export interface OtherEvent extends BaseEvent {
  layer: 'frame' | 'ip';
  type: string;
}
