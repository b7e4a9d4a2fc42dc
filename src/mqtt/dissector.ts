/**
 * The MQTT dissector of one TCP connection, a thin coordinator: each direction's reassembled bytes (data, gap, end)
 * go to connection classification (classify.ts: port, CONNECT, WebSocket upgrade, TLS), then through the transport
 * (WebSocket unframing, TLS decryption) to framing (framing.ts), packet reading (packet-event.ts, with the reader's
 * verdict reported here as findings) and session tracking (session-tracker.ts). It depends on a narrow description
 * of the connection (connection.ts), not on the reassembler. It does not reassemble TCP, and it does not aggregate.
 */
import type { MemoryBudget } from '../model/budget.js';
import { makeFinding, type FindingCode } from '../model/findings.js';
import { PACKET_TYPES } from '../model/names.js';
import type { KeyLog } from '../tls/keylog.js';
import {
  protocolByPort, protocolFromFirstBytes, protocolInsideTls, undecidable, type ConnectionProtocol, type TlsInnerProtocol,
} from './classify.js';
import type { ByteStreamHandler, MqttConnectionEnd, MqttConnectionInfo } from './connection.js';
import { MqttPacketDecoder } from './decode.js';
import { MqttFramer, type FramedPacket } from './framing.js';
import { readPacketEvent, type PacketEventOptions, type PacketPlace } from './packet-event.js';
import { connectLevel as readConnectLevel } from './reader/packet.js';
import type { Direction, MqttSession } from './session.js';
import { SessionTracker, type SessionContext } from './session-tracker.js';
import { summarizeMqtt } from './summary.js';
import { TlsTransport } from './tls-transport.js';
import { WebSocketUnframer } from './websocket.js';

export { sessionEndReason } from './session-tracker.js';
export type { ConnectionProtocol } from './classify.js';

export interface MqttDissectorOptions {
  /** Ports on which every connection is MQTT. */
  mqttPorts: ReadonlySet<number>;
  /** Ports on which TLS is MQTT over TLS (any other port too when the key log has the session). */
  tlsPorts: ReadonlySet<number>;
  /** Session secrets for decrypting MQTT over TLS (NSS key log). */
  keyLog?: KeyLog;
  maxPacketBytes: number;
  showSecrets: boolean;
  /** Only the summary is wanted: common packets are read by the reader alone, no summary line or payload text. */
  lean?: boolean;
  /** MQTT events without their summary line (AnalyzeOptions.omitMqttSummaries). */
  omitSummaries?: boolean;
  /** The analysis' memory budget: the framer's carry and pending requests charge it. */
  budget?: MemoryBudget;
}

export interface MqttContext extends SessionContext {
  options: MqttDissectorOptions;
  /** Epoch seconds of the capture's first frame. */
  captureStart?: () => number | undefined;
}

export class MqttConnectionDissector {
  protocol: ConnectionProtocol = 'undecided';
  private readonly tracker: SessionTracker;
  private readonly framers: Record<Direction, MqttFramer>;
  /** Created on the first packet of each direction (most connections of a big capture never carry MQTT). */
  private readonly decoders: Partial<Record<Direction, MqttPacketDecoder>> = {};
  private readonly packetOptions: PacketEventOptions;
  /** Whether an MQTT event gets its summary line (not on the summary-only path, nor when omitted). */
  private readonly summaryLines: boolean;
  /** Where each direction's packets are seen (updated per packet: no object per packet). */
  private readonly places: Record<Direction, PacketPlace>;
  private websockets: Record<Direction, WebSocketUnframer> | undefined;
  private tls: TlsTransport | undefined;
  /** What the decrypted bytes of a TLS connection carry, decided from the client's first plaintext. */
  private tlsInner: TlsInnerProtocol = 'undecided';
  private tlsEarly: Buffer | null = null;
  private tlsReported = false;
  /** Client bytes too few to decide the protocol yet. */
  private early: Buffer | null = null;
  private snaplenReported = false;

  constructor(private readonly connection: MqttConnectionInfo, private readonly context: MqttContext) {
    const { options } = context;
    this.tracker = new SessionTracker(connection, context, (...args) => this.finding(...args));
    this.tracker.session.budget = context.options.budget;
    this.packetOptions = { lean: options.lean === true, maxPacketBytes: options.maxPacketBytes, showSecrets: options.showSecrets };
    this.summaryLines = options.lean !== true && options.omitSummaries !== true;
    this.framers = { client: this.newFramer('client'), server: this.newFramer('server') };
    this.places = { client: this.newPlace('client'), server: this.newPlace('server') };
    if (protocolByPort(connection, options) === 'mqtt') this.recognise('mqtt');
  }

  /**
   * What a connection that ended without carrying a byte was (the port rules alone: no packet was read, so no session
   * started and no request is pending), without building a dissector for it: a flood of SYNs costs none.
   */
  static protocolWithoutPayload(connection: MqttConnectionInfo, options: MqttDissectorOptions): ConnectionProtocol {
    return protocolByPort(connection, options);
  }

  /** The session's state (version, identity, pairing...). */
  get session(): MqttSession {
    return this.tracker.session;
  }

  handlers(): { toServer: ByteStreamHandler; toClient: ByteStreamHandler } {
    return { toServer: this.handler('client'), toClient: this.handler('server') };
  }

  /** The connection ended: requests left unanswered become findings, and the session (if any) ends. */
  finish(end: MqttConnectionEnd): void {
    if (!this.carriesMqtt()) return;
    this.tracker.finish(end);
  }

  private carriesMqtt(): boolean {
    return this.protocol === 'mqtt' || this.protocol === 'mqtt-ws'
      || (this.protocol === 'mqtt-tls' && this.tlsInner !== 'other' && this.tlsInner !== 'undecided');
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
    const sink = (direction: Direction) => ({
      payload: (data: Buffer, frame: number, time: number) => this.framers[direction].push(data, frame, time),
      malformed: (message: string, frame: number, time: number) => this.finding('mqtt.websocket-malformed', direction, frame, time, message),
    });
    this.websockets = { client: new WebSocketUnframer(sink('client')), server: new WebSocketUnframer(sink('server')) };
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
      this.tlsInner = protocolInsideTls(this.connection, data, this.context.options);
      if (this.tlsInner === 'mqtt-ws') this.unframeWebSocket();
    }
    if (this.tlsInner === 'mqtt') this.framers[direction].push(data, frame, time);
    else if (this.tlsInner === 'mqtt-ws') this.websockets![direction].push(data, frame, time);
  }

  private handler(direction: Direction): ByteStreamHandler {
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
      end: (reason, frame, time) => {
        this.tracker.closing(direction, reason, frame, time);
        if (this.protocol === 'mqtt-tls') {
          this.tls!.end(direction, frame, time);
          if (this.tlsInner === 'mqtt' || this.tlsInner === 'mqtt-ws') this.framers[direction].end(frame, time);
        }
        if (this.protocol === 'mqtt' || this.protocol === 'mqtt-ws') this.framers[direction].end(frame, time);
      },
    };
  }

  private decide(direction: Direction, data: Buffer, frame: number, time: number): void {
    const protocol = protocolFromFirstBytes(this.connection, direction, data, this.context.options);
    this.recognise(protocol);
    if (protocol === 'mqtt-tls' && !this.tlsReported && this.context.options.keyLog === undefined) {
      this.tlsReported = true;
      this.finding('mqtt.tls', direction, frame, time, `TLS on port ${this.connection.server.port}: encrypted MQTT, not dissected (no --keylog)`);
    }
  }

  /** [sender, receiver] labels of a packet sent by `direction`. */
  private endpoints(direction: Direction): [string, string] {
    const { client, server } = this.connection;
    return direction === 'client' ? [client.label, server.label] : [server.label, client.label];
  }

  private newPlace(direction: Direction): PacketPlace {
    return {
      stream: this.connection.index, endpoints: this.endpoints(direction), websocket: false, tls: false, versionInferred: false,
      sessionVersion: undefined, decoder: () => (this.decoders[direction] ??= new MqttPacketDecoder()),
    };
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
    }, this.context.options);
  }

  private finding(code: FindingCode, direction: Direction, frame: number, time: number, summary: string,
    detail?: Record<string, unknown>): void {
    const index = this.connection.index;
    const [src, dst] = this.endpoints(direction);
    this.context.emit(makeFinding(code, 'mqtt', frame, time, summary, { src, dst, stream: index, ...(detail ? { detail } : {}) }));
  }

  private onPacket(direction: Direction, framed: FramedPacket): void {
    const type = framed.firstByte >> 4;
    const typeName = PACKET_TYPES[type];
    const frame = framed.frames[framed.frames.length - 1]!;
    const time = framed.time;
    if (typeName === undefined) {
      this.finding('mqtt.unknown-type', direction, frame, time, `reserved control packet type 0 (${framed.remainingLength} bytes)`,
        { msgtype: type, frames: framed.frames });
      return;
    }
    const connectLevel = type === 1 ? readConnectLevel(framed.bytes, framed.headerLength) : undefined;
    const version = this.tracker.versionFor(type, framed.remainingLength, connectLevel, direction, frame, time);
    const session = this.tracker.session;
    const websocket = this.protocol === 'mqtt-ws' || this.tlsInner === 'mqtt-ws';
    const place = this.places[direction];
    place.websocket = websocket;
    place.tls = this.protocol === 'mqtt-tls';
    place.versionInferred = session.versionInferred;
    place.sessionVersion = session.version;
    const { event, payload, error, notAllowed } = readPacketEvent(framed, direction, typeName, version, connectLevel, place, this.packetOptions);
    if (error !== undefined && error.code !== 'mqtt.packet-too-large' && error.code !== 'mqtt.incomplete') {
      this.finding(error.code, direction, frame, time, `malformed ${typeName}: ${error.message}`, { frames: framed.frames });
    }
    // MQTT 5 wants the shortest form of every Variable Byte Integer (MQTT-1.5.5-1); MQTT 3.1.1 (2.2.3) does not say.
    const lengthBytes = framed.headerLength - 1;
    const needed = framed.remainingLength < 128 ? 1 : framed.remainingLength < 16_384 ? 2 : framed.remainingLength < 2_097_152 ? 3 : 4;
    if (version === 5 && lengthBytes > needed) {
      this.finding('mqtt.overlong-length', direction, frame, time,
        `${typeName}'s Remaining Length ${framed.remainingLength} is written in ${lengthBytes} bytes where ${needed} suffice${needed === 1 ? 's' : ''} (MQTT 5 requires the shortest form)`,
        { frames: framed.frames, remainingLength: framed.remainingLength, lengthBytes });
    }
    if (version === 5 && notAllowed.length > 0) {
      this.finding('mqtt.property-not-allowed', direction, frame, time,
        `${typeName} carries properties it may not: ${notAllowed.map((id) => `0x${id.toString(16)}`).join(', ')}`);
    }
    this.tracker.packet(event, direction, payload);
    if (this.summaryLines) event.summary = summarizeMqtt(event);
    this.context.emit(event);
    this.tracker.packetEmitted(event, this.protocol === 'mqtt-tls' ? 'tls' : websocket ? 'websocket' : 'tcp');
  }
}
