/**
 * ConnectionBook: what the diagnosis remembers of each TCP connection and its MQTT session, from the lifecycle
 * events (opened/ended, session started/ended) and a few facts of the packets (who sent the last MQTT packet and
 * when, the CONNECT and CONNACK). Bounded: the oldest records are forgotten past MAX_RECORDS. It diagnoses nothing.
 */
import type {
  ConnectionEndReason, LifecycleEvent, MqttEvent, MqttPacketType, SessionEndReason, Side, TcpEvent, TimelineEvent,
} from '../model/events.js';
import type { MachineBook } from '../model/machine.js';

export const MAX_RECORDS = 100_000;

export interface ConnectionRecord {
  stream: number;
  /** "ip:port" of the client and the server. */
  client: string;
  server: string;
  firstFrame: number;
  firstTime: number;
  synSeen?: boolean;
  /** The connection continues one the tool's table evicted (connection-opened `evictedBefore`): not a late capture. */
  evictedBefore?: number;
  /** Set when the connection ended (or the capture did). */
  end?: {
    reason: ConnectionEndReason;
    closedBy?: Side;
    handshake: string;
    synAttempts: number;
    frame: number;
    time: number;
    lastFrame: number;
    bytesToServer: number;
    bytesToClient: number;
    protocol: string;
  };
  /** Set when an MQTT session was seen on it. */
  session?: {
    clientId?: string;
    keepAlive?: number;
    versionInferred?: boolean;
    transport?: string;
  };
  sessionEnd?: {
    reason: SessionEndReason;
    closedBy?: Side;
    reasonCode?: number;
    accepted?: boolean;
    connackCode?: number;
    frame: number;
    time: number;
    takenOverBy?: { stream: number; frame: number };
  };
  /** `persistent`: clean session (MQTT 5: clean start) 0; `sessionExpiry`: its MQTT 5 Session Expiry Interval, if given. */
  connect?: { frame: number; time: number; clientId?: string; keepAlive?: number; tls?: true; persistent?: true; sessionExpiry?: number };
  connack?: { frame: number; time: number; accepted: boolean; sessionPresent?: boolean };
  /** Last MQTT packet the client sent (keep-alive), and the broker's last one. */
  lastClientPacket?: { frame: number; time: number };
  /** The first MQTT packet the client sent (a CONNECT, unless it is no MQTT client), in Wireshark's words. */
  firstClientPacket?: { frame: number; time: number; type: MqttPacketType; length: number; topic?: string; packetId?: number; malformed?: string };
  /** The frame of the client's first TCP segment that carried bytes (MQTT or not). */
  firstClientData?: number;
  /** That segment's time. */
  firstClientDataTime?: number;
  /** That segment's payload was not captured at all (the snaplen cut it): what the client sent first is unknown. */
  firstClientDataCut?: boolean;
  /** SUBSCRIBE packets the client sent. */
  subscribes: number;
  /** What each endpoint ("ip:port") sent: TCP segments, MQTT packets, and when it last sent anything. */
  sent: Map<string, SideTally>;
  mqttPackets: number;
  /** From the TCP packets (when they are analysed): SYN frames (a few), SYN-ACK seen, first RST and first FIN. */
  synFrames: number[];
  syns: number;
  /** Time of the first SYN seen (synFrames[0]'s). */
  firstSynTime?: number;
  /** Time of the last SYN seen. */
  lastSynTime?: number;
  synAckSeen: boolean;
  /** First RST and first FIN, and the endpoint that sent them. */
  rst?: { frame: number; time: number; from: string };
  fin?: { frame: number; time: number; from: string };
  /** Who sent the first DISCONNECT that came before the connection was closed (reset, or the other side's FIN). */
  disconnectBy?: Side;
  websocket: boolean;
}

/**
 * `lastMqttTime`: when it last sent an MQTT packet (-Infinity: never). `dataEnd`: where its data ends (relative
 * sequence number past its last byte); `unackedSince`: when it
 * began sending data the peer has not acknowledged since (undefined: the peer acknowledged all of it), which, at
 * the end of the capture, is data that never reached the peer.
 */
export interface SideTally { segments: number; mqtt: number; lastTime: number; lastMqttTime: number; dataEnd: number; unackedSince: number | undefined }

/** Data unacknowledged this long (before a close or the capture's end) never reached the peer. */
export const UNDELIVERED_SECONDS = 1;

const NOTHING: SideTally = { segments: 0, mqtt: 0, lastTime: Number.NEGATIVE_INFINITY, lastMqttTime: Number.NEGATIVE_INFINITY, dataEnd: 0, unackedSince: undefined };

/** What the client (or the server) of a connection sent. */
export function sentBy(r: ConnectionRecord, side: Side): SideTally {
  return r.sent.get(side === 'client' ? r.client : r.server) ?? NOTHING;
}

/** Which side an endpoint is. */
export function sideOf(r: ConnectionRecord, label: string): Side {
  return label === r.server ? 'server' : 'client';
}

/**
 * The tally of the packet's sender, its last time moved to the packet's. Given the packet (not its time): a time
 * passed to a call is a number boxed on the heap, per packet.
 */
function tally(r: ConnectionRecord, p: TcpEvent | MqttEvent): SideTally {
  let t = r.sent.get(p.src);
  if (t === undefined) {
    t = { segments: 0, mqtt: 0, lastTime: p.time, lastMqttTime: Number.NEGATIVE_INFINITY, dataEnd: 0, unackedSince: undefined };
    r.sent.set(p.src, t);
  }
  if (p.time > t.lastTime) t.lastTime = p.time;
  return t;
}

export class ConnectionBook {
  private readonly records = new Map<number, ConnectionRecord>();
  /** True once any lifecycle event was seen (older pipelines emit none). */
  lifecycleSeen = false;

  get(stream: number): ConnectionRecord | undefined { return this.records.get(stream); }
  all(): IterableIterator<ConnectionRecord> { return this.records.values(); }

  /**
   * A new record of `stream` (the oldest forgotten past MAX_RECORDS). Called only when there is none (`get(stream) ??
   * open(...)`), so that the packets of known streams pass no frame and time to a call (each a number boxed on the heap).
   */
  private open(stream: number, src: string, dst: string, frame: number, time: number): ConnectionRecord {
    if (this.records.size >= MAX_RECORDS) {
      const oldest = this.records.keys().next();
      if (oldest.done !== true) this.records.delete(oldest.value);
    }
    const r: ConnectionRecord = {
      stream, client: src, server: dst, firstFrame: frame, firstTime: time, sent: new Map(), mqttPackets: 0,
      subscribes: 0, synFrames: [], syns: 0, synAckSeen: false, websocket: false,
    };
    this.records.set(stream, r);
    return r;
  }

  /** Any event: those of the kinds below go to them (the stage calls them itself). */
  event(e: TimelineEvent): void {
    if (e.kind === 'lifecycle') this.lifecycle(e);
    else if (e.kind === 'packet' && e.layer === 'tcp') this.tcp(e);
    else if (e.kind === 'packet' && e.layer === 'mqtt') this.mqtt(e);
  }

  lifecycle(e: LifecycleEvent): void {
    this.lifecycleSeen = true;
    const r = this.records.get(e.stream) ?? this.open(e.stream, e.src, e.dst, e.frame, e.time);
    switch (e.type) {
      case 'connection-opened':
        r.client = e.src; r.server = e.dst; r.synSeen = e.synSeen;
        if (e.evictedBefore !== undefined) r.evictedBefore = e.evictedBefore;
        break;
      case 'connection-ended':
        r.client = e.src; r.server = e.dst;
        r.end = {
          reason: e.reason, handshake: e.handshake, synAttempts: e.synAttempts, frame: e.frame, time: e.time,
          lastFrame: e.lastFrame, bytesToServer: e.bytesToServer, bytesToClient: e.bytesToClient, protocol: e.protocol,
          ...(e.closedBy !== undefined ? { closedBy: e.closedBy } : {}),
        };
        break;
      case 'session-started':
        r.session = {
          ...(e.clientId !== undefined ? { clientId: e.clientId } : {}),
          ...(e.keepAlive !== undefined ? { keepAlive: e.keepAlive } : {}),
          ...(e.versionInferred !== undefined ? { versionInferred: e.versionInferred } : {}),
          transport: e.transport,
        };
        break;
      case 'session-ended': {
        r.sessionEnd = {
          reason: e.reason, frame: e.frame, time: e.time,
          ...(e.closedBy !== undefined ? { closedBy: e.closedBy } : {}),
          ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
          ...(e.accepted !== undefined ? { accepted: e.accepted } : {}),
          ...(e.connackCode !== undefined ? { connackCode: e.connackCode } : {}),
          ...(e.takenOverBy !== undefined ? { takenOverBy: e.takenOverBy } : {}),
        };
        break;
      }
    }
  }

  tcp(e: TcpEvent): void {
    if (e.duplicateOf !== undefined) return;
    const r = this.records.get(e.stream) ?? this.open(e.stream, e.src, e.dst, e.frame, e.time);
    const t = tally(r, e);
    t.segments++;
    if (e.badChecksum !== true) {
      // Data the peer has yet to acknowledge, and whether this segment acknowledges all of the peer's.
      if (e.len > 0 && e.relSeq + e.len > t.dataEnd) {
        if (t.unackedSince === undefined) t.unackedSince = e.time;
        t.dataEnd = e.relSeq + e.len;
      }
      if (e.relAck > 0 && e.flags.includes('ACK')) {
        const peer = r.sent.get(e.src === r.client ? r.server : r.client);
        if (peer !== undefined && peer.unackedSince !== undefined && e.relAck >= peer.dataEnd) peer.unackedSince = undefined;
      }
    }
    if (e.type === 'SYN') {
      // The SYN's sender is the client, whatever was guessed before.
      r.client = e.src; r.server = e.dst;
      r.syns++;
      r.lastSynTime = e.time;
      if (r.synFrames.length === 0) r.firstSynTime = e.time;
      if (r.synFrames.length < 8) r.synFrames.push(e.frame);
    } else if (e.type === 'SYN-ACK') r.synAckSeen = true;
    if (r.firstClientData === undefined && e.len > 0 && e.src === r.client) {
      r.firstClientData = e.frame;
      r.firstClientDataTime = e.time;
      // The snaplen cut those bytes away entirely: they were sent, what they were is unknown.
      if (e.capturedLen === 0) r.firstClientDataCut = true;
    }
    if (r.rst === undefined && e.flags.includes('RST')) r.rst = { frame: e.frame, time: e.time, from: e.src };
    if (r.fin === undefined && e.flags.includes('FIN')) r.fin = { frame: e.frame, time: e.time, from: e.src };
  }

  mqtt(e: MqttEvent): void {
    const client = e.direction === 'client' ? e.src : e.dst;
    const server = e.direction === 'client' ? e.dst : e.src;
    const r = this.records.get(e.stream) ?? this.open(e.stream, client, server, e.frames[0] ?? e.frame, e.time);
    // The dissector knows the sides (CONNECT, or inferred from the packets) better than the first segment does.
    if (r.synFrames.length === 0 && r.end === undefined) { r.client = client; r.server = server; }
    r.mqttPackets++;
    const t = tally(r, e);
    t.mqtt++;
    if (e.time > t.lastMqttTime) t.lastMqttTime = e.time;
    if (e.websocket === true) r.websocket = true;
    // A DISCONNECT after a RST or the other side's FIN came too late to end the session (the book's rst and fin are
    // the first ones: a side's own FIN may be captured before its DISCONNECT retransmitted). The broker's after the
    // client's ended it: the broker did not take the client's as its goodbye (as the session tracker tells).
    if (e.type === 'DISCONNECT' && (r.disconnectBy === undefined || (r.disconnectBy === 'client' && e.direction === 'server'))
      && !(r.rst !== undefined && r.rst.frame < e.frame)
      && !(r.fin !== undefined && r.fin.frame < e.frame && r.fin.from !== e.src)) r.disconnectBy = e.direction;
    if (e.direction === 'client') {
      const last = r.lastClientPacket;
      if (last === undefined) r.lastClientPacket = { frame: e.frame, time: e.time };
      else { last.frame = e.frame; last.time = e.time; }
      // MQTT packets may be released out of order after a TCP hole: the first is the one of the lowest frame.
      if (r.firstClientPacket === undefined || e.frame < r.firstClientPacket.frame) {
        r.firstClientPacket = {
          frame: e.frame, time: e.time, type: e.type, length: e.length,
          ...(e.topic !== undefined ? { topic: e.topic } : {}),
          ...(e.packetId !== undefined ? { packetId: e.packetId } : {}),
          ...(e.malformed !== undefined ? { malformed: e.malformed } : {}),
        };
      }
      if (e.type === 'SUBSCRIBE') r.subscribes++;
      if (e.type === 'CONNECT' && !isTlsRecordHeader(e)) {
        r.connect = {
          frame: e.frame, time: e.time,
          ...(e.clientId !== undefined ? { clientId: e.clientId } : {}),
          ...(e.keepAlive !== undefined ? { keepAlive: e.keepAlive } : {}),
          ...(e.tls === true ? { tls: true as const } : {}),
          ...(e.cleanSession === false ? { persistent: true as const } : {}),
          ...(typeof e.properties?.['sessionExpiryInterval'] === 'number' ? { sessionExpiry: e.properties['sessionExpiryInterval'] } : {}),
        };
      }
    } else if (e.type === 'CONNACK') {
      r.connack = {
        frame: e.frame, time: e.time, accepted: e.accepted ?? (e.returnCode ?? e.reasonCode ?? 0) === 0,
        ...(e.sessionPresent !== undefined ? { sessionPresent: e.sessionPresent } : {}),
      };
      // MQTT 5: the client id the broker assigned to a CONNECT with an empty one.
      const assigned = e.properties?.['assignedClientIdentifier'];
      if (typeof assigned === 'string' && assigned !== '' && r.connect?.clientId === '') r.connect.clientId = assigned;
    }
  }
}

/**
 * A TLS record header as an MQTT reader sees it: content type 20–23 (22 for the ClientHello a TLS client sends
 * first) is packet type 1, CONNECT, with reserved flags 4–7 set, and the version's major byte 3 (SSL 3.0, TLS 1.x)
 * its remaining length, 3. No CONNECT is that short (its variable header alone is 10 bytes).
 */
export function isTlsRecordHeader(p: { type: string; length: number; malformed?: string }): boolean {
  return p.type === 'CONNECT' && p.length === 3 && p.malformed === 'mqtt.reserved-flags';
}

/** Ports of MQTT over TLS by convention (mosquitto's TLS listener 8883, and 8884 for TLS with client certificates). */
export const TLS_MQTT_PORTS: ReadonlySet<number> = new Set([8883, 8884]);

/**
 * A CONNECT sent in clear to a TLS port (8883, 8884, or a server that spoke TLS on other connections of the capture)
 * that the broker ended without an MQTT word: a plain client on a TLS listener, whose TLS layer takes the CONNECT for
 * a bad TLS record and resets (mosquitto) or sends an alert.
 */
export function plainConnectOnTlsPort(r: ConnectionRecord, tlsServers: ReadonlySet<string>): boolean {
  return r.connect !== undefined && r.connect.tls !== true && r.connack === undefined
    && (TLS_MQTT_PORTS.has(portOf(r.server)) || tlsServers.has(r.server)) && sentBy(r, 'server').mqtt === 0;
}

/** Servers that spoke MQTT over TLS on some connection of the capture. */
export function tlsServersOf(records: Iterable<ConnectionRecord>): Set<string> {
  const servers = new Set<string>();
  for (const r of records) if (r.end?.protocol === 'mqtt-tls') servers.add(r.server);
  return servers;
}

/** "ip" of an "ip:port" or "[v6]:port" label. */
export function hostOf(label: string): string {
  if (label.startsWith('[')) return label.slice(1, label.indexOf(']'));
  const colon = label.lastIndexOf(':');
  return colon < 0 ? label : label.slice(0, colon);
}

/** The machine of an "ip:port" label (src/model/machine.ts): the key that says two endpoints are one broker host. */
export function machineOfLabel(machines: MachineBook, label: string): string {
  return machines.of(hostOf(label));
}

/** Port of an "ip:port" label (0 when none). */
export function portOf(label: string): number {
  const colon = label.lastIndexOf(':');
  const port = colon < 0 ? NaN : Number(label.slice(colon + 1));
  return Number.isInteger(port) ? port : 0;
}

// ------------------------------------------------------------------------------------------------ derived facts ---
// The lifecycle events say these when the pipeline emits them; otherwise they are derived from the TCP and MQTT
// packets seen (the summary-only path emits no TCP packets: then only the lifecycle events tell).

/** How the three-way handshake went. */
export function handshakeOf(r: ConnectionRecord): string {
  if (r.end !== undefined) return r.end.handshake;
  if (r.synAckSeen) return 'complete';
  if (r.syns > 0) return r.rst !== undefined && sideOf(r, r.rst.from) === 'server' ? 'refused' : sentBy(r, 'server').segments === 0 ? 'unanswered' : 'incomplete';
  return 'not-seen';
}

/**
 * True when MQTT was seen on the connection: a packet, or bytes of MQTT over TLS/WebSocket. (A connection to port
 * 1883 that never carried a byte is not: its lifecycle may still call it "mqtt" by its port.)
 */
export function isMqtt(r: ConnectionRecord): boolean {
  if (r.mqttPackets > 0) return true;
  const p = r.end?.protocol;
  return (p === 'mqtt-tls' || p === 'mqtt-ws') && (r.end?.bytesToServer ?? 0) > 0;
}

/**
 * When and why the MQTT session ended, and who ended it; undefined while it is open at the capture's end, and for a
 * connection that never opened (its SYN refused or unanswered: the RST answering a SYN ends no session).
 */
export function sessionEndOf(r: ConnectionRecord): { reason: SessionEndReason; closedBy?: Side; time: number; frame: number; reasonCode?: number } | undefined {
  const handshake = handshakeOf(r);
  if (handshake === 'refused' || handshake === 'unanswered') return undefined;
  if (r.sessionEnd !== undefined) {
    if (r.sessionEnd.reason === 'capture-end') return undefined;
    // The first FIN or RST, when the TCP packets were seen, is the moment the closer acted.
    const first = r.rst !== undefined && (r.fin === undefined || r.rst.frame < r.fin.frame) ? r.rst : r.fin;
    const at = first !== undefined && first.frame <= r.sessionEnd.frame ? first : r.sessionEnd;
    // A FIN first and a reset from the other side after it: the FIN's sender ended the session, the reset is the
    // peer's socket closed with bytes unread (a client whose loop stopped, dropped on its keep-alive, then exiting).
    if (r.sessionEnd.reason === 'reset' && at === r.fin && r.rst !== undefined && r.rst.from !== r.fin.from) {
      const by = sideOf(r, r.fin.from);
      return { reason: by === 'server' ? 'broker-closed' : 'client-closed', closedBy: by, time: at.time, frame: at.frame };
    }
    return {
      reason: r.sessionEnd.reason, time: at.time, frame: at.frame,
      ...(r.sessionEnd.closedBy !== undefined ? { closedBy: r.sessionEnd.closedBy } : {}),
      ...(r.sessionEnd.reasonCode !== undefined ? { reasonCode: r.sessionEnd.reasonCode } : {}),
    };
  }
  if (r.disconnectBy === 'client') {
    const at = r.fin ?? r.rst;
    return { reason: 'disconnect', closedBy: 'client', time: at?.time ?? r.lastClientPacket?.time ?? r.firstTime, frame: at?.frame ?? r.lastClientPacket?.frame ?? r.firstFrame };
  }
  if (r.disconnectBy === 'server') {
    const at = r.fin ?? r.rst;
    return { reason: 'broker-disconnect', closedBy: 'server', time: at?.time ?? r.firstTime, frame: at?.frame ?? r.firstFrame };
  }
  const first = r.rst !== undefined && (r.fin === undefined || r.rst.frame < r.fin.frame) ? { ...r.rst, reset: true, by: sideOf(r, r.rst.from) }
    : r.fin !== undefined ? { ...r.fin, reset: false, by: sideOf(r, r.fin.from) } : undefined;
  if (first === undefined) {
    if (r.end !== undefined && r.end.reason !== 'capture-end') {
      const reason: SessionEndReason = r.end.reason === 'rst' ? 'reset' : r.end.closedBy === 'server' ? 'broker-closed' : 'client-closed';
      return { reason, time: r.end.time, frame: r.end.frame, ...(r.end.closedBy !== undefined ? { closedBy: r.end.closedBy } : {}) };
    }
    return undefined;
  }
  const reason: SessionEndReason = first.reset ? 'reset' : first.by === 'server' ? 'broker-closed' : 'client-closed';
  return { reason, closedBy: first.by, time: first.time, frame: first.frame };
}

/** A broker that closes a connection this soon after a client packet it never answered closed it because of it. */
export const CLOSED_ON_PACKET_SECONDS = 1;

/**
 * True when the broker ended the session within CLOSED_ON_PACKET_SECONDS after a client packet sent at `time` (the
 * caller knows nothing answered it): how a broker refuses an invalid topic filter (MQTT-4.7.3-1 … 3.1.1 has no SUBACK
 * code for it) or any packet that breaks the protocol.
 */
export function closedRightAfter(r: ConnectionRecord | undefined, time: number): boolean {
  if (r === undefined) return false;
  const end = sessionEndOf(r);
  if (end === undefined || end.closedBy !== 'server' || end.reason === 'taken-over') return false;
  return end.time >= time && end.time - time <= CLOSED_ON_PACKET_SECONDS;
}

/** A client's name for sentences: "lab-sub (172.18.0.3)", or its address when no client id is known. */
export function clientName(r: ConnectionRecord): string {
  const id = r.connect?.clientId ?? r.session?.clientId;
  return id !== undefined && id !== '' ? `${id} (${hostOf(r.client)})` : r.client;
}
