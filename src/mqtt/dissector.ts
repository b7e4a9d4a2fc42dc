/**
 * The MQTT dissector of one TCP connection: receives each direction's reassembled bytes (data, gap, end), decides
 * whether the connection carries MQTT (port, a CONNECT, a WebSocket upgrade, TLS on 8883), frames and decodes
 * every control packet, and turns each into an MqttEvent with pairing, latency and fan-out links, or a finding.
 * It does not reassemble TCP, and it does not aggregate (analysis/summary.ts does).
 */
import type { StreamHandler } from '../reassembly/stream.js';
import type { ConnectionEnd, TcpConnection } from '../reassembly/connections.js';
import type {
  FindingEvent, MqttEvent, MqttPacketType, MqttSessionEndedEvent, MqttSessionStartedEvent, SessionEndReason, Side, TlsEvent,
} from '../model/events.js';
import type { ClientIdRegistry } from './takeover.js';
import { makeFinding, type FindingCode } from '../model/findings.js';
import type { Packet } from 'mqtt-packet';
import { MqttPacketDecoder } from './decode.js';
import { connectLevel as readConnectLevel, readHead, readPacket, type PacketReading } from './reader/packet.js';
import { fillFromPacket } from './event-fields.js';
import { looksLikeConnect, looksLikeMqttOverWebSocket, looksLikeTls } from './detect.js';
import type { FanoutTracer } from './fanout.js';
import { MqttFramer, type FramedPacket } from './framing.js';
import { PACKET_TYPES } from '../model/names.js';
import { describePayload } from './payload.js';
import { MqttSession, type Direction } from './session.js';
import { summarizeMqtt } from './summary.js';
import { WebSocketUnframer } from './websocket.js';
import { TlsTransport } from './tls-transport.js';
import type { KeyLog } from '../tls/keylog.js';
import { looksLikeTlsRecord } from '../tls/records.js';

export interface MqttDissectorOptions {
  /** Ports on which every connection is MQTT. */
  mqttPorts: ReadonlySet<number>;
  /** Ports on which TLS is MQTT over TLS (any other port too when the key log has the session). */
  tlsPorts: ReadonlySet<number>;
  /** Session secrets for decrypting MQTT over TLS (NSS key log). */
  keyLog?: KeyLog;
  maxPacketBytes: number;
  showSecrets: boolean;
  /** Only the summary is wanted: common packets are read by the fast decoder, no summary line or payload text. */
  lean?: boolean;
}

export interface MqttContext {
  options: MqttDissectorOptions;
  fanout: FanoutTracer;
  clientIds: ClientIdRegistry;
  emit(event: MqttEvent | FindingEvent | TlsEvent | MqttSessionStartedEvent | MqttSessionEndedEvent): void;
  /** Epoch seconds of the capture's first frame. */
  captureStart?: () => number | undefined;
}

export type ConnectionProtocol = 'undecided' | 'mqtt' | 'mqtt-ws' | 'mqtt-tls' | 'other';

const RESPONSE_OF: Partial<Record<MqttPacketType, MqttPacketType>> = {
  CONNECT: 'CONNACK', SUBSCRIBE: 'SUBACK', UNSUBSCRIBE: 'UNSUBACK', PINGREQ: 'PINGRESP',
  PUBREC: 'PUBREL', PUBREL: 'PUBCOMP',
};

/** Packet types whose summary fields the reader gives alone (PUBLISH, the publish acknowledgements, pings). */
const READER_ONLY: Readonly<Record<number, boolean>> = { 3: true, 4: true, 5: true, 6: true, 7: true, 12: true, 13: true };

/** Packet types whose length only MQTT 5 explains (evidence for inferring the version). */
function impliesVersion5(type: number, remaining: number): boolean {
  switch (type) {
    case 2: return remaining > 2;
    case 4: case 5: case 6: case 7: return remaining > 2;
    case 11: return remaining > 2;
    case 14: return remaining > 0;
    case 15: return true;
    default: return false;
  }
}

export class MqttConnectionDissector {
  protocol: ConnectionProtocol = 'undecided';
  readonly session: MqttSession;
  private sessionStarted = false;
  private readonly framers: Record<Direction, MqttFramer>;
  /** Created on the first packet of each direction (most connections of a big capture never carry MQTT). */
  private readonly decoders: Partial<Record<Direction, MqttPacketDecoder>> = {};
  private websockets: Record<Direction, WebSocketUnframer> | undefined;
  private tls: TlsTransport | undefined;
  /** What the decrypted bytes of a TLS connection carry, decided from the client's first plaintext. */
  private tlsInner: 'undecided' | 'mqtt' | 'mqtt-ws' | 'other' = 'undecided';
  private tlsEarly: Buffer | null = null;
  private tlsReported = false;
  /** Client bytes too few to decide the protocol yet. */
  private early: Buffer | null = null;
  private snaplenReported = false;

  constructor(private readonly connection: TcpConnection, private readonly context: MqttContext) {
    const { mqttPorts } = context.options;
    this.session = new MqttSession(connection.index);
    this.framers = { client: this.newFramer('client'), server: this.newFramer('server') };
    if (mqttPorts.has(connection.server.port) || (!connection.clientFromSyn && mqttPorts.has(connection.client.port))) {
      this.recognise('mqtt');
    }
  }

  handlers(): { toServer: StreamHandler; toClient: StreamHandler } {
    return { toServer: this.handler('client'), toClient: this.handler('server') };
  }

  /** The connection ended: requests left unanswered become findings, and the session (if any) ends. */
  finish(end: ConnectionEnd): void {
    const { frame, time } = end;
    if (this.protocol !== 'mqtt' && this.protocol !== 'mqtt-ws' && !(this.protocol === 'mqtt-tls' && this.tlsInner !== 'other' && this.tlsInner !== 'undecided')) return;
    for (const request of this.session.takeUnanswered()) {
      this.context.emit(makeFinding('mqtt.unanswered', 'mqtt', request.frame, request.time,
        `${request.type}${request.packetId !== undefined ? ` (id=${request.packetId})` : ''} in frame ${request.frame} was never answered`,
        { src: this.connection.client.label, dst: this.connection.server.label, stream: this.connection.index,
          detail: { request: request.type, requestFrame: request.frame, packetId: request.packetId, endFrame: frame, endTime: time } }));
    }
    if (this.sessionStarted) this.endSession(end);
  }

  private startSession(frame: number, time: number): void {
    this.sessionStarted = true;
    const s = this.session;
    s.firstFrame = frame;
    s.firstTime = time;
    const { client, server } = this.connection;
    const event: MqttSessionStartedEvent = {
      kind: 'lifecycle', frame, time, layer: 'mqtt', type: 'session-started', src: client.label, dst: server.label, summary: '',
      stream: this.connection.index,
      transport: this.protocol === 'mqtt-tls' ? 'tls' : this.protocol === 'mqtt-ws' || this.tlsInner === 'mqtt-ws' ? 'websocket' : 'tcp',
    };
    if (s.clientId !== undefined) event.clientId = s.clientId;
    if (s.version !== undefined) event.protocolVersion = s.version;
    if (s.versionInferred) event.versionInferred = true;
    if (s.keepAlive !== undefined) event.keepAlive = s.keepAlive;
    if (s.cleanSession !== undefined) event.cleanSession = s.cleanSession;
    if (s.username !== undefined) event.username = s.username;
    if (s.willTopic !== undefined) event.willTopic = s.willTopic;
    event.summary = s.clientId !== undefined
      ? `MQTT session of client "${s.clientId}" started (${versionWords(s.version)}${s.keepAlive !== undefined ? `, keep-alive ${s.keepAlive} s` : ''})`
      : `MQTT session picked up without its CONNECT (${versionWords(s.version)} inferred)`;
    this.context.emit(event);
  }

  private endSession(end: ConnectionEnd): void {
    const s = this.session;
    const { client, server } = this.connection;
    const { reason, closedBy } = sessionEndReason(s.disconnect, s.takenOverBy, end);
    if (s.clientId !== undefined) this.context.clientIds.ended(server.label, s.clientId, s);
    const event: MqttSessionEndedEvent = {
      kind: 'lifecycle', frame: end.frame, time: end.time, layer: 'mqtt', type: 'session-ended', src: client.label, dst: server.label,
      summary: '', stream: this.connection.index, reason, packets: s.packets, firstFrame: s.firstFrame,
      durationSeconds: Math.max(0, end.time - s.firstTime),
    };
    if (closedBy !== undefined) event.closedBy = closedBy;
    if (s.disconnect?.reasonCode !== undefined && (reason === 'disconnect' || reason === 'broker-disconnect' || reason === 'taken-over')) {
      event.reasonCode = s.disconnect.reasonCode;
    }
    if (reason === 'taken-over' && s.takenOverBy !== undefined) event.takenOverBy = s.takenOverBy;
    if (s.clientId !== undefined) event.clientId = s.clientId;
    if (s.version !== undefined) event.protocolVersion = s.version;
    if (s.versionInferred) event.versionInferred = true;
    if (s.keepAlive !== undefined) event.keepAlive = s.keepAlive;
    if (s.accepted !== undefined) event.accepted = s.accepted;
    if (s.connackCode !== undefined) event.connackCode = s.connackCode;
    event.summary = `MQTT session${s.clientId !== undefined ? ` of client "${s.clientId}"` : ''} ended: ${SESSION_END_WORDS[reason]}`
      + `${event.reasonCode !== undefined ? ` (reason 0x${event.reasonCode.toString(16).padStart(2, '0')})` : ''}`
      + `${event.takenOverBy !== undefined ? ` by stream ${event.takenOverBy.stream} (frame ${event.takenOverBy.frame})` : ''}`
      + `, ${s.packets} packets in ${event.durationSeconds.toFixed(3)} s`;
    this.context.emit(event);
  }

  private recognise(protocol: ConnectionProtocol): void {
    this.protocol = protocol;
    if (protocol === 'mqtt-ws') this.unframeWebSocket();
    if (protocol === 'mqtt-tls') {
      this.tls = new TlsTransport(this.context.options.keyLog, {
        stream: this.connection.index,
        endpoints: (direction) => this.endpoints(direction),
        emit: (event) => this.context.emit(event),
        plaintext: (direction, data, frame, time) => this.onTlsPlaintext(direction, data, frame, time),
        ...(this.context.captureStart !== undefined ? { captureStart: this.context.captureStart } : {}),
      });
    }
  }

  private unframeWebSocket(): void {
    {
      const sink = (direction: Direction) => ({
        payload: (data: Buffer, frame: number, time: number) => this.framers[direction].push(data, frame, time),
        malformed: (message: string, frame: number, time: number) => this.finding('mqtt.websocket-malformed', direction, frame, time, message),
      });
      this.websockets = { client: new WebSocketUnframer(sink('client')), server: new WebSocketUnframer(sink('server')) };
    }
  }

  /** Decrypted bytes: the client's first ones decide between MQTT and MQTT over WebSocket, as on plain TCP. */
  private onTlsPlaintext(direction: Direction, chunk: Buffer, frame: number, time: number): void {
    let data = chunk;
    if (this.tlsInner === 'undecided') {
      if (direction === 'server') return;
      data = this.tlsEarly === null ? chunk : Buffer.concat([this.tlsEarly, chunk]);
      this.tlsEarly = null;
      if (undecidable(data)) {
        this.tlsEarly = Buffer.from(data);
        return;
      }
      if (looksLikeMqttOverWebSocket(data)) {
        this.tlsInner = 'mqtt-ws';
        this.unframeWebSocket();
      } else {
        this.tlsInner = looksLikeConnect(data) || this.context.options.tlsPorts.has(this.connection.server.port) ? 'mqtt' : 'other';
      }
    }
    if (this.tlsInner === 'mqtt') this.framers[direction].push(data, frame, time);
    else if (this.tlsInner === 'mqtt-ws') this.websockets![direction].push(data, frame, time);
  }

  private handler(direction: Direction): StreamHandler {
    return {
      data: (chunk, frame, time) => {
        let data = chunk;
        if (this.protocol === 'undecided') {
          // The client's first bytes decide; too few of them (a CONNECT or an HTTP upgrade split at its very start)
          // are kept until the next segment.
          if (direction === 'client') {
            data = this.early === null ? chunk : Buffer.concat([this.early, chunk]);
            this.early = null;
            if (undecidable(data)) {
              this.early = Buffer.from(data);
              return;
            }
          }
          this.decide(direction, data, frame, time);
        }
        switch (this.protocol) {
          case 'mqtt': this.framers[direction].push(data, frame, time); break;
          case 'mqtt-ws': this.websockets![direction].push(data, frame, time); break;
          case 'mqtt-tls': this.tls!.data(direction, data, frame, time); break;
          default: break;
        }
      },
      gap: (length, afterFrame, beforeFrame, time, cause) => {
        if (this.protocol === 'mqtt-tls') {
          this.tls!.gap(direction, length, beforeFrame, time);
          return;
        }
        if (this.protocol !== 'mqtt' && this.protocol !== 'mqtt-ws') return;
        if (cause === 'snaplen') {
          if (!this.snaplenReported) {
            this.snaplenReported = true;
            this.finding('tcp.snaplen', direction, beforeFrame, time,
              `frames cut by the capture's snapshot length: MQTT packets are shown from the bytes captured`, { lostBytes: length });
          }
        } else {
          this.finding('tcp.gap', direction, beforeFrame, time,
            `${length} bytes never captured between frames ${afterFrame ?? '(start)'} and ${beforeFrame}`,
            { lostBytes: length, afterFrame, beforeFrame });
        }
        if (this.protocol === 'mqtt') this.framers[direction].gap(length, beforeFrame, time);
        else this.framers[direction].gap(Number.MAX_SAFE_INTEGER, beforeFrame, time);
      },
      end: (_reason, frame, time) => {
        if (this.protocol === 'mqtt-tls') {
          this.tls!.end(direction, frame, time);
          if (this.tlsInner === 'mqtt' || this.tlsInner === 'mqtt-ws') this.framers[direction].end(frame, time);
        }
        if (this.protocol === 'mqtt' || this.protocol === 'mqtt-ws') this.framers[direction].end(frame, time);
      },
    };
  }

  private decide(direction: Direction, data: Buffer, frame: number, time: number): void {
    const { tlsPorts } = this.context.options;
    if (direction === 'client' && looksLikeConnect(data)) this.recognise('mqtt');
    else if (direction === 'client' && looksLikeMqttOverWebSocket(data)) this.recognise('mqtt-ws');
    else if ((looksLikeTls(data) && (tlsPorts.has(this.connection.server.port) || this.keyLogKnows(data)))
      || (tlsPorts.has(this.connection.server.port) && (looksLikeTlsRecord(data) || !this.connection.clientFromSyn))) {
      // On a TLS port, a connection whose start was not captured may begin inside a record: the record layer resynchronises.
      this.recognise('mqtt-tls');
      if (!this.tlsReported && this.context.options.keyLog === undefined) {
        this.tlsReported = true;
        this.finding('mqtt.tls', direction, frame, time, `TLS on port ${this.connection.server.port}: encrypted MQTT, not dissected (no --keylog)`);
      }
    } else this.recognise('other');
  }

  /** True when `data` starts with a Client Hello whose client random has secrets in the key log. */
  private keyLogKnows(data: Buffer): boolean {
    const keyLog = this.context.options.keyLog;
    return keyLog !== undefined && data.length >= 43 && data[5] === 1 && keyLog.has(data.subarray(11, 43));
  }

  /** [sender, receiver] labels of a packet sent by `direction`. */
  private endpoints(direction: Direction): [string, string] {
    const { client, server } = this.connection;
    return direction === 'client' ? [client.label, server.label] : [server.label, client.label];
  }

  private newFramer(direction: Direction): MqttFramer {
    return new MqttFramer({
      packet: (packet) => this.onPacket(direction, packet),
      garbage: (code, bytes, frame, time) => this.finding(code, direction, frame, time,
        code === 'mqtt.incomplete-at-end' ? `stream ended inside an MQTT packet (${bytes} bytes)`
          : code === 'mqtt.resync' ? `${bytes} bytes skipped to find the next MQTT header` : 'Remaining Length longer than 4 bytes',
        { bytes }),
      oversize: (remaining, frame, time) => this.finding('mqtt.packet-too-large', direction, frame, time,
        `MQTT packet of ${remaining} bytes exceeds the ${this.context.options.maxPacketBytes}-byte cap`, { remainingLength: remaining }),
    }, { maxPacketBytes: this.context.options.maxPacketBytes });
  }

  private finding(code: FindingCode, direction: Direction, frame: number, time: number, summary: string,
    detail?: Record<string, unknown>): void {
    const index = this.connection.index;
    const [src, dst] = this.endpoints(direction);
    this.context.emit(makeFinding(code, 'mqtt', frame, time, summary, { src, dst, stream: index, ...(detail ? { detail } : {}) }));
  }

  private onPacket(direction: Direction, framed: FramedPacket): void {
    const session = this.session;
    const type = framed.firstByte >> 4;
    const typeName = PACKET_TYPES[type];
    const frame = framed.frames[framed.frames.length - 1]!;
    const time = framed.time;
    if (typeName === undefined) {
      this.finding('mqtt.unknown-type', direction, frame, time, `reserved control packet type 0 (${framed.remainingLength} bytes)`,
        { msgtype: type, frames: framed.frames });
      return;
    }
    // Protocol version: CONNECT says it; otherwise what the session knows, or an inference.
    let version: number;
    const connectLevel = type === 1 ? readConnectLevel(framed.bytes, framed.headerLength) : undefined;
    if (type === 1) {
      version = connectLevel ?? 4;
    } else if (session.version !== undefined) {
      if (session.versionInferred && session.version !== 5 && impliesVersion5(type, framed.remainingLength)) session.version = 5;
      version = session.version;
    } else {
      session.version = impliesVersion5(type, framed.remainingLength) ? 5 : 4;
      session.versionInferred = true;
      version = session.version;
      this.finding('mqtt.version-inferred', direction, frame, time,
        `no CONNECT captured: MQTT ${version === 5 ? '5.0' : '3.1.1'} assumed from the packets`);
    }

    const lean = this.context.options.lean === true;
    const bytes = framed.bytes;
    let reading: PacketReading;
    let error: { code: FindingCode; message: string } | undefined;
    let packet: Packet | undefined;
    if (framed.truncatedTo !== undefined) {
      reading = readHead(bytes, framed.headerLength, version);
      error = { code: framed.remainingLength + framed.headerLength > this.context.options.maxPacketBytes ? 'mqtt.packet-too-large' : 'mqtt.incomplete', message: 'only the head of the packet was captured' };
    } else {
      reading = readPacket(bytes, framed.headerLength, version, !lean);
      error = reading.error;
      // The reader decided; mqtt-packet adds the full event's fields (the summary needs none of a PUBLISH's, an ack's or a ping's).
      if (error === undefined && (!lean || !READER_ONLY[type])) {
        const decoded = (this.decoders[direction] ??= new MqttPacketDecoder()).decode(bytes, version);
        if ('packet' in decoded) packet = decoded.packet;
      }
    }
    const index = this.connection.index;
    const [src, dst] = this.endpoints(direction);
    const event: MqttEvent = {
      kind: 'packet', frame, time, layer: 'mqtt', type: typeName, src, dst, summary: '', stream: index, frames: framed.frames,
      direction, msgtype: type, length: framed.remainingLength,
    };
    const connect = reading.fields.connect;
    // A CONNECT gives its own version when read, or when its head (protocol level byte) was captured.
    if (type !== 1 || packet !== undefined || (error === undefined && connect !== undefined)
      || (framed.truncatedTo !== undefined && connectLevel !== undefined)) {
      event.protocolVersion = version;
    }
    if (this.protocol === 'mqtt-ws' || this.tlsInner === 'mqtt-ws') event.websocket = true;
    if (this.protocol === 'mqtt-tls') event.tls = true;
    if (session.versionInferred) event.versionInferred = true;
    let payload: Buffer | undefined;
    if (packet !== undefined) {
      fillFromPacket(event, packet, framed.remainingLength, session.version, this.context.options.showSecrets);
      if (packet.cmd === 'publish') payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    } else {
      const fields = reading.fields;
      if (fields.qos !== undefined) { event.qos = fields.qos; event.dup = fields.dup === true; event.retain = fields.retain === true; }
      if (fields.topic !== undefined) event.topic = fields.topic;
      if (fields.packetId !== undefined) event.packetId = fields.packetId;
      if (fields.topicAlias !== undefined) event.topicAlias = fields.topicAlias;
      if (fields.reasonCode !== undefined && error === undefined) event.reasonCode = fields.reasonCode;
      if (connect !== undefined && error?.code === 'mqtt.bad-protocol' && connect.level !== undefined) {
        // A level we do not know: what could be read is shown, with the level asked for.
        event.protocolVersion = connect.level;
        if (connect.protocolName !== undefined) event.protocolName = connect.protocolName;
        if (connect.clientId !== undefined) event.clientId = connect.clientId;
        if (connect.keepAlive !== undefined) event.keepAlive = connect.keepAlive;
        if (connect.cleanSession !== undefined) event.cleanSession = connect.cleanSession;
      }
      payload = fields.payload;
    }
    if (payload !== undefined) {
      event.payload = error !== undefined && type === 3
        ? describePayload(payload, framed.headerLength + framed.remainingLength - (bytes.length - payload.length))
        : lean ? { length: payload.length, format: 'binary' } : describePayload(payload);
    }
    if (error !== undefined) {
      event.malformed = error.code;
      if (error.code !== 'mqtt.packet-too-large' && error.code !== 'mqtt.incomplete') {
        this.finding(error.code, direction, frame, time, `malformed ${typeName}: ${error.message}`, { frames: framed.frames });
      }
    }
    if (version === 5 && reading.notAllowed.length > 0) {
      this.finding('mqtt.property-not-allowed', direction, frame, time,
        `${typeName} carries properties it may not: ${reading.notAllowed.map((id) => `0x${id.toString(16)}`).join(', ')}`);
    }
    if (!lean && reading.userProperties !== undefined) event.userProperties = reading.userProperties;
    this.track(event, direction, payload);
    if (!lean) event.summary = summarizeMqtt(event);
    this.context.emit(event);
    if (!this.sessionStarted) this.startSession(frame, time);
  }

  /** Session bookkeeping: version, identity, aliases, pairing, keep-alive, subscriptions, fan-out. */
  private track(event: MqttEvent, direction: Direction, payload: Buffer | undefined): void {
    const session = this.session;
    const { time, frame } = event;
    session.packets++;
    if (direction === 'client') {
      const keepAlive = session.keepAlive;
      const last = session.lastClientPacketTime;
      if (keepAlive !== undefined && keepAlive > 0 && last !== undefined && time - last > keepAlive * 1.5) {
        this.finding('mqtt.keepalive-exceeded', direction, frame, time,
          `client silent for ${(time - last).toFixed(1)} s, keep-alive is ${keepAlive} s`, { silentSeconds: time - last, keepAlive });
      }
      session.lastClientPacketTime = time;
    }
    switch (event.type) {
      case 'CONNECT':
        // Read whole, or its head captured, or a level refused (what could be read is still the session's).
        if ((event.protocolName !== undefined && event.malformed === undefined)
          || (event.malformed === 'mqtt.incomplete' && event.protocolVersion !== undefined)
          || (event.malformed === 'mqtt.bad-protocol' && event.protocolVersion !== undefined)) {
          session.version = event.protocolVersion;
          session.versionInferred = false;
          delete event.versionInferred;
          session.clientId = event.clientId;
          session.username = event.username;
          session.keepAlive = event.keepAlive;
          session.cleanSession = event.cleanSession;
          session.willTopic = event.will?.topic;
          session.connectFrame = frame;
          if (event.clientId !== undefined) this.context.clientIds.connected(this.connection.server.label, event.clientId, session, frame);
        }
        break;
      case 'DISCONNECT':
        session.disconnect ??= { by: direction, frame, ...(event.reasonCode !== undefined ? { reasonCode: event.reasonCode } : {}) };
        break;
      case 'CONNACK': {
        const code = event.reasonCode ?? event.returnCode;
        session.connackCode = code;
        session.accepted = event.accepted;
        const serverKeepAlive = event.properties?.['serverKeepAlive'];
        if (typeof serverKeepAlive === 'number') session.keepAlive = serverKeepAlive;
        if (event.accepted === false) {
          this.finding('mqtt.connect-refused', direction, frame, time, `connection refused (code ${code})`, { code });
        }
        break;
      }
      case 'PUBLISH': {
        this.resolveAlias(event, direction);
        if (event.qos === 1) this.expect(direction, 'PUBACK', event);
        else if (event.qos === 2) this.expect(direction, 'PUBREC', event);
        if (event.topic !== undefined && payload !== undefined && event.malformed === undefined) {
          const broker = this.connection.server.ip;
          if (direction === 'client') {
            this.context.fanout.published(broker, event.topic, payload, frame, time);
          } else {
            const subscribedAt = session.subscribedAt(event.topic);
            if (subscribedAt !== null) {
              const match = this.context.fanout.forwarded(broker, event.topic, payload, event.retain === true,
                this.connection.index, subscribedAt, time);
              if (match !== undefined) {
                event.sourceFrame = match.sourceFrame;
                event.forwardDelayMs = match.forwardDelayMs;
              }
            }
          }
        }
        break;
      }
      case 'SUBSCRIBE':
        for (const s of event.subscriptions ?? []) session.subscribe(s.topic, time);
        break;
      case 'UNSUBSCRIBE':
        for (const t of event.unsubscriptions ?? []) session.unsubscribe(t);
        break;
      default:
        break;
    }
    // Pairing: this packet may answer an earlier request, and may itself await a response.
    const answers = event.type === 'PUBACK' || event.type === 'PUBREC' || event.type === 'PUBREL' || event.type === 'PUBCOMP'
      || event.type === 'CONNACK' || event.type === 'SUBACK' || event.type === 'UNSUBACK' || event.type === 'PINGRESP';
    if (answers) {
      const pairing = session.answer(direction, event.type, pairingId(event), time);
      if (pairing !== undefined) {
        event.requestFrame = pairing.requestFrame;
        event.latencyMs = pairing.latencyMs;
      }
    }
    const response = RESPONSE_OF[event.type];
    if (response !== undefined && event.malformed === undefined) this.expect(direction, response, event);
  }

  private expect(direction: Direction, response: MqttPacketType, event: MqttEvent): void {
    const ok = this.session.expect(direction, response, pairingId(event), {
      type: event.type, frame: event.frame, time: event.time,
      ...(event.packetId !== undefined ? { packetId: event.packetId } : {}),
    });
    if (!ok) this.finding('mqtt.pending-cap', direction, event.frame, event.time, 'too many requests awaiting responses; not tracked');
  }

  private resolveAlias(event: MqttEvent, direction: Direction): void {
    const alias = event.topicAlias;
    if (alias === undefined) return;
    const aliases = this.session.aliases[direction];
    if (event.topic !== undefined && event.topic !== '') {
      if (aliases.size < 65536) aliases.set(alias, event.topic);
    } else {
      const topic = aliases.get(alias);
      if (topic !== undefined) event.topic = topic;
      else this.finding('mqtt.unknown-topic-alias', direction, event.frame, event.time, `topic alias ${alias} was never set`, { alias });
    }
  }
}

/** True when a client's first bytes are too few to tell MQTT, an HTTP upgrade or TLS apart (bounded look-ahead). */
function undecidable(data: Buffer): boolean {
  if (data.length < 2) return true;
  if (data.length < 4096 && data.toString('latin1', 0, 4) === 'GET ' && !data.includes('\r\n\r\n')) return true;
  return false;
}

function pairingId(event: MqttEvent): number | undefined {
  return event.type === 'CONNECT' || event.type === 'CONNACK' ? undefined : event.packetId;
}

const SESSION_END_WORDS: Record<SessionEndReason, string> = {
  'disconnect': 'the client sent DISCONNECT',
  'broker-disconnect': 'the broker sent DISCONNECT',
  'broker-closed': 'the broker closed the connection',
  'client-closed': 'the client closed the connection without DISCONNECT',
  'reset': 'the connection was reset',
  'capture-end': 'still open when the capture ended',
  'taken-over': 'taken over by another connection with the same client id',
  'evicted': 'connection evicted from the table',
  'port-reused': 'its ports were reused by a new connection',
};

function versionWords(version: number | undefined): string {
  return version === 5 ? 'MQTT 5.0' : version === 3 ? 'MQTT 3.1' : version === 4 ? 'MQTT 3.1.1'
    : version !== undefined ? `MQTT protocol level ${version}` : 'MQTT';
}

/**
 * Why a session ended, from its first DISCONNECT, a takeover by another connection, and how the TCP connection
 * ended: a client DISCONNECT wins; then a takeover the broker acted on (its DISCONNECT, FIN or RST); then the
 * broker's DISCONNECT; then the TCP end (who sent the first FIN, a RST, the capture's end, eviction, port reuse).
 */
export function sessionEndReason(
  disconnect: { by: Side } | undefined, takenOverBy: { stream: number } | undefined, end: ConnectionEnd,
): { reason: SessionEndReason; closedBy?: Side } {
  if (disconnect?.by === 'client') return { reason: 'disconnect', closedBy: 'client' };
  const brokerActed = disconnect?.by === 'server' || end.closedBy === 'server';
  if (takenOverBy !== undefined && brokerActed) return { reason: 'taken-over', closedBy: 'server' };
  if (disconnect?.by === 'server') return { reason: 'broker-disconnect', closedBy: 'server' };
  const by = end.closedBy;
  const closed = (side: Side | undefined): SessionEndReason => (side === 'server' ? 'broker-closed' : 'client-closed');
  switch (end.reason) {
    case 'rst': return { reason: 'reset', ...(by !== undefined ? { closedBy: by } : {}) };
    case 'fin': return { reason: closed(by), ...(by !== undefined ? { closedBy: by } : {}) };
    case 'evicted': return { reason: 'evicted' };
    case 'capture-end':
    case 'port-reused':
      // Half-closed (one FIN seen) before the capture ended or the ports were reused: that side closed it.
      if (by !== undefined) return { reason: closed(by), closedBy: by };
      return { reason: end.reason };
  }
}
