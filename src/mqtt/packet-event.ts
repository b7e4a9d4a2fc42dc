/**
 * Packet reading: one framed MQTT control packet to its MqttEvent. The reader (src/mqtt/reader) decides validity and
 * gives the fields the summary needs; on the full path mqtt-packet adds the rich fields of a packet the reader
 * accepted (event-fields.ts). A packet of which only the head was captured keeps the fields its head holds. It emits
 * nothing and tracks no session: the dissector reports the verdict, session-tracker.ts does the rest.
 */
import type { Packet } from 'mqtt-packet';
import type { MqttEvent, MqttPacketType } from '../model/events.js';
import type { FindingCode } from '../model/findings.js';
import type { MqttPacketDecoder } from './decode.js';
import { fillFromPacket } from './event-fields.js';
import type { FramedPacket } from './framing.js';
import { describePayload } from './payload.js';
import { readHead, readPacket, type PacketReading } from './reader/packet.js';
import type { Direction } from './session.js';

/** Packet types whose summary fields the reader gives alone (PUBLISH, the publish acknowledgements, pings). */
const READER_ONLY: Readonly<Record<number, boolean>> = { 3: true, 4: true, 5: true, 6: true, 7: true, 12: true, 13: true };

export interface PacketEventOptions {
  /** Only the summary is wanted: no mqtt-packet for the reader-only types, no payload text, no User Properties. */
  lean: boolean;
  maxPacketBytes: number;
  showSecrets: boolean;
}

/** Where the packet was seen, and what the session knows that the event shows. */
export interface PacketPlace {
  stream: number;
  /** [sender, receiver] labels. */
  endpoints: [string, string];
  websocket: boolean;
  tls: boolean;
  versionInferred: boolean;
  sessionVersion: number | undefined;
  /** This direction's mqtt-packet adapter (made on first use). */
  decoder(): MqttPacketDecoder;
}

export interface PacketEventReading {
  event: MqttEvent;
  /** The PUBLISH payload (for fan-out tracing). */
  payload?: Buffer;
  /** Why the packet is malformed (also in `event.malformed`); packet-too-large / incomplete when only its head was captured. */
  error?: { code: FindingCode; message: string };
  /** MQTT 5 properties the packet's type may not carry. */
  notAllowed: number[];
}

/**
 * Reads `framed` (sent by `direction`, of type `typeName`) with protocol `version`; `connectLevel` is a CONNECT's level
 * byte when its head holds it.
 */
export function readPacketEvent(framed: FramedPacket, direction: Direction, typeName: MqttPacketType, version: number,
  connectLevel: number | undefined, where: PacketPlace, options: PacketEventOptions): PacketEventReading {
  const type = framed.firstByte >> 4;
  const frame = framed.frames[framed.frames.length - 1]!;
  const time = framed.time;
    const lean = options.lean;
    const bytes = framed.bytes;
    let reading: PacketReading;
    let error: { code: FindingCode; message: string } | undefined;
    let packet: Packet | undefined;
    if (framed.truncatedTo !== undefined) {
      reading = readHead(bytes, framed.headerLength, version);
      error = { code: framed.remainingLength + framed.headerLength > options.maxPacketBytes ? 'mqtt.packet-too-large' : 'mqtt.incomplete', message: 'only the head of the packet was captured' };
    } else {
      reading = readPacket(bytes, framed.headerLength, version, !lean);
      error = reading.error;
      // The reader decided; mqtt-packet adds the full event's fields (the summary needs none of a PUBLISH's, an ack's or a ping's).
      if (error === undefined && (!lean || !READER_ONLY[type])) {
        const decoded = where.decoder().decode(bytes, version);
        if ('packet' in decoded) packet = decoded.packet;
      }
    }
    const [src, dst] = where.endpoints;
    const event: MqttEvent = {
      kind: 'packet', frame, time, layer: 'mqtt', type: typeName, src, dst, summary: '', stream: where.stream, frames: framed.frames,
      direction, msgtype: type, length: framed.remainingLength,
    };
    const connect = reading.fields.connect;
    // A CONNECT gives its own version when read, or when its head (protocol level byte) was captured.
    if (type !== 1 || packet !== undefined || (error === undefined && connect !== undefined)
      || (framed.truncatedTo !== undefined && connectLevel !== undefined)) {
      event.protocolVersion = version;
    }
    if (where.websocket) event.websocket = true;
    if (where.tls) event.tls = true;
    if (where.versionInferred) event.versionInferred = true;
    let payload: Buffer | undefined;
    if (packet !== undefined) {
      fillFromPacket(event, packet, framed.remainingLength, where.sessionVersion, options.showSecrets);
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
    if (error !== undefined) event.malformed = error.code;
    if (!lean && reading.userProperties !== undefined) event.userProperties = reading.userProperties;
  return { event, ...(payload !== undefined ? { payload } : {}), ...(error !== undefined ? { error } : {}), notAllowed: reading.notAllowed };
}
