/**
 * Packet reading: one framed MQTT control packet to its MqttEvent. The reader (src/mqtt/reader) decides validity and
 * gives the fields the summary needs; on the full path mqtt-packet adds the rich fields of a packet the reader
 * accepted (event-fields.ts). A packet of which only the head was captured keeps the fields its head holds. It emits
 * nothing and tracks no session: the dissector reports the verdict, session-tracker.ts does the rest.
 */
import { isUtf8 } from 'node:buffer';
import type { Packet } from 'mqtt-packet';
import type { MqttEvent, MqttPacketType } from '../model/events.js';
import type { FindingCode } from '../model/findings.js';
import type { MqttPacketDecoder } from './decode.js';
import { fillFromPacket } from './event-fields.js';
import type { FramedPacket } from './framing.js';
import { describePayload } from './payload.js';
import { readHead, readPacket, type PacketFields, type PacketReading } from './reader/packet.js';
import { BYTE_PROPERTY_NAMES } from './reader/properties.js';
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
  payload: Buffer | undefined;
  /** Why the packet is malformed (also in `event.malformed`); packet-too-large / incomplete when only its head was captured. */
  error: { code: FindingCode; message: string } | undefined;
  /** MQTT 5 properties the packet's type may not carry. */
  notAllowed: number[];
}

/**
 * Whether the reader's fields of a valid PUBLISH, acknowledgement or ping are all that mqtt-packet would give the
 * full event: always for pings and for MQTT 3.1 / 3.1.1; for MQTT 5 when the packet carries no property (an empty
 * property section, or an acknowledgement without one). `version` is the version the packet is read with,
 * `sessionVersion` the session's (fillFromPacket decides reason codes by the latter).
 */
function readerGivesAll(type: number, bytes: Buffer, headerLength: number, version: number, sessionVersion: number | undefined): boolean {
  if ((version === 5) !== (sessionVersion === 5)) return false;
  if (type >= 12 || version !== 5) return true;
  const remaining = bytes.length - headerLength;
  if (type !== 3) return remaining <= 3;
  // PUBLISH: the property length right after the topic (and the packet identifier when QoS > 0) is zero.
  const at = headerLength + 2 + bytes.readUInt16BE(headerLength) + (((bytes[0]! >> 1) & 3) > 0 ? 2 : 0);
  return at < bytes.length && bytes[at] === 0;
}

/**
 * The full event's fields of a PUBLISH, acknowledgement or ping from the reader, set exactly as fillFromPacket sets
 * mqtt-packet's (same keys, same order) for the packets readerGivesAll accepts.
 */
function fillFromReader(event: MqttEvent, type: number, fields: PacketFields, remainingLength: number, version: number,
  sessionVersion: number | undefined): void {
  if (type === 3) {
    event.topic = fields.topic!;
    const qos = fields.qos!;
    event.qos = qos;
    event.dup = fields.dup === true;
    event.retain = fields.retain === true;
    if (qos > 0 && fields.packetId !== undefined) event.packetId = fields.packetId;
  } else if (type >= 4 && type <= 7) {
    if (fields.packetId !== undefined) event.packetId = fields.packetId;
    if (sessionVersion === 5 && remainingLength > 2) event.reasonCode = version === 5 ? fields.reasonCode ?? 0 : 0;
  }
}

/** Puts back the numbers mqtt-packet turned into `true` (PropertySection.byteValues: id, value pairs). */
function withByteValues(properties: Record<string, unknown> | undefined, byteValues: readonly number[]): void {
  if (properties === undefined) return;
  for (let i = 0; i + 1 < byteValues.length; i += 2) {
    const name = BYTE_PROPERTY_NAMES[byteValues[i]!];
    if (name !== undefined && name in properties) properties[name] = byteValues[i + 1]!;
  }
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
    /** The full event's fields come from the reader alone (in the order mqtt-packet's would be filled). */
    let readerAlone = false;
    if (framed.truncatedTo !== undefined) {
      reading = readHead(bytes, framed.headerLength, version);
      error = { code: framed.remainingLength + framed.headerLength > options.maxPacketBytes ? 'mqtt.packet-too-large' : 'mqtt.incomplete', message: 'only the head of the packet was captured' };
    } else {
      reading = readPacket(bytes, framed.headerLength, version, !lean);
      error = reading.error;
      // The reader decided; mqtt-packet adds the full event's fields (the summary needs none of a PUBLISH's, an ack's or a
      // ping's, and the full event none of theirs when they carry no MQTT 5 properties).
      if (error === undefined) {
        if (READER_ONLY[type] === true && (lean || readerGivesAll(type, bytes, framed.headerLength, version, where.sessionVersion))) {
          readerAlone = !lean;
        } else {
          const decoded = where.decoder().decode(bytes, version);
          if ('packet' in decoded) packet = decoded.packet;
        }
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
      if (connect?.bridge === true) event.bridge = true;
    }
    if (where.websocket) event.websocket = true;
    if (where.tls) event.tls = true;
    if (where.versionInferred) event.versionInferred = true;
    let payload: Buffer | undefined;
    if (packet !== undefined) {
      fillFromPacket(event, packet, framed.remainingLength, where.sessionVersion, options.showSecrets);
      if (reading.byteValues !== undefined) withByteValues(event.properties, reading.byteValues);
      if (reading.willByteValues !== undefined) withByteValues(event.will?.properties, reading.willByteValues);
      if (packet.cmd === 'publish') payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    } else if (readerAlone) {
      const fields = reading.fields;
      fillFromReader(event, type, fields, framed.remainingLength, version, where.sessionVersion);
      payload = fields.payload;
    } else {
      const fields = reading.fields;
      if (fields.qos !== undefined) { event.qos = fields.qos; event.dup = fields.dup === true; event.retain = fields.retain === true; }
      if (fields.topic !== undefined) event.topic = fields.topic;
      if (fields.packetId !== undefined) event.packetId = fields.packetId;
      if (fields.topicAlias !== undefined) event.topicAlias = fields.topicAlias;
      // The PUBLISH properties the analysis reads: Message Expiry (diag.published-to-nobody: a message that expired
      // in a queue), Response Topic and Correlation Data (request/response), under mqtt-packet's names.
      if (fields.messageExpiry !== undefined || fields.responseTopic !== undefined || fields.correlationData !== undefined) {
        const properties: Record<string, unknown> = {};
        if (fields.messageExpiry !== undefined) properties.messageExpiryInterval = fields.messageExpiry;
        if (fields.responseTopic !== undefined) properties.responseTopic = fields.responseTopic;
        if (fields.correlationData !== undefined) properties.correlationData = fields.correlationData;
        event.properties = properties;
      }
      // The code an acknowledgement carries, also when the packet is malformed: one the packet type may not carry
      // (mosquitto answers a PUBLISH over message_size_limit with PUBACK 0x95) is still the code the broker sent, as
      // tshark shows it ("Unknown (149)"), and so is a valid code followed by a broken property section.
      if (fields.reasonCode !== undefined) event.reasonCode = fields.reasonCode;
      if (connect !== undefined && error !== undefined && connect.level !== undefined && (error.code === 'mqtt.bad-protocol' || connect.clientId !== undefined)) {
        // A level we do not know, or a CONNECT malformed after its client id (an overlong Property Length): what
        // could be read is shown, with the level asked for.
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
        // Lean (summary only): no text or hex; a copy the broker sends is told apart as UTF-8 or not, which
        // diag.subscriber-quit-on-payload reads (src/diagnosis/payload-quit.ts), the others are left 'binary'.
        : lean ? { length: payload.length, format: direction === 'server' && isUtf8(payload) ? 'text' : 'binary' } : describePayload(payload);
    }
    if (error !== undefined) event.malformed = error.code;
    if (!lean && reading.userProperties !== undefined) event.userProperties = reading.userProperties;
  return { event, payload, error, notAllowed: reading.notAllowed };
}
