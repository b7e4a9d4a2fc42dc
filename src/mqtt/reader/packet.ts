/**
 * The MQTT reader: the single authority on whether a control packet is valid, and on the fields both analysis paths
 * need (the summary-only path reads PUBLISH, acknowledgements and pings from it alone; the full path adds mqtt-packet's
 * rich fields to packets this reader accepts). Fixed header, then each type's grammar (MQTT 3.1 / 3.1.1 / 5.0), the
 * MQTT 5 properties allowed per type. A finding code for what breaks the grammar; what could be read is kept.
 * It does not frame (framing.ts), track sessions (session.ts) or build events.
 */
import { fixedHeaderError, COMMAND_NAMES } from './fixed-header.js';
import { readConnect } from './connect.js';
import { readProperties, type PropertySection } from './properties.js';
import { readPublish } from './publish.js';
import { NO_PROPERTY_IDS, type PacketReading, type ReaderError } from './result.js';
import { fieldEnd } from './strings.js';

export type { PacketFields, PacketReading, ReaderError, ReaderErrorCode, ConnectHead } from './result.js';
export { readPublish } from './publish.js';
export { connectLevel } from './connect.js';

// MQTT 5.0 reason codes each packet type may carry (§3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1, 3.15.2.1).
const PUBACK_CODES = new Set([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]);
const PUBREL_CODES = new Set([0x00, 0x92]);
const SUBACK_CODES = new Set([0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2]);
const UNSUBACK_CODES = new Set([0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91]);
const DISCONNECT_CODES = new Set([
  0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
  0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
]);
const AUTH_CODES = new Set([0x00, 0x18, 0x19]);

/** Reads the property section at `at` into `reading`; returns where it ends, or -1 after an error. */
function readSectionInto(reading: PacketReading, bytes: Buffer, at: number, type: number, users: boolean): number {
  const section: PropertySection = readProperties(bytes, at, type, users);
  if (section.notAllowed.length > 0) reading.notAllowed = reading.notAllowed.concat(section.notAllowed);
  if (section.userProperties !== undefined && section.userProperties.length > 0) reading.userProperties = section.userProperties;
  if (section.byteValues !== undefined) reading.byteValues = section.byteValues;
  if (section.overlong !== undefined) reading.error ??= section.overlong;
  if (section.error !== undefined) {
    reading.error = section.error;
    return -1;
  }
  return section.end;
}

const NO_MESSAGE_ID: ReaderError = { code: 'mqtt.malformed', message: 'Cannot parse messageId' };

/**
 * Reads one whole control packet (`bytes`: fixed header of `headerLength` bytes, then exactly the Remaining Length).
 * `version` is the session's protocol level (3, 4 or 5; a CONNECT carries its own). With `users`, MQTT 5 User
 * Properties are collected in wire order.
 */
export function readPacket(bytes: Buffer, headerLength: number, version: number, users = false): PacketReading {
  const firstByte = bytes[0]!;
  const type = firstByte >> 4;
  if (type === 3) return readPublish(bytes, headerLength, version, users);
  const reading: PacketReading = { fields: {}, notAllowed: NO_PROPERTY_IDS };
  const remaining = bytes.length - headerLength;
  // Every type with a packet identifier first in its variable header: read it even when something else is wrong.
  if (type >= 4 && type <= 11 && remaining >= 2) reading.fields.packetId = bytes.readUInt16BE(headerLength);
  const headerError = fixedHeaderError(firstByte);
  if (headerError !== undefined) return { ...reading, error: headerError };
  const v5 = version === 5;
  if (type >= 12 && type <= 13) return reading;
  if (type >= 4 && type <= 7 && remaining === 2) return reading;
  const end = bytes.length;
  const body = headerLength;
  switch (type) {
    case 1:
      return readConnect(bytes, headerLength, users);
    case 2: { // CONNACK
      if (remaining < 1 || (!v5 && remaining < 2)) return { ...reading, error: { code: 'mqtt.malformed', message: 'Packet too short' } };
      if (bytes[body]! > 1) return { ...reading, error: { code: 'mqtt.malformed', message: 'Invalid connack flags, bits 7-1 must be set to 0' } };
      if (v5 && remaining > 2) readSectionInto(reading, bytes, body + 2, type, users);
      return reading;
    }
    case 4: case 5: case 6: case 7: { // PUBACK, PUBREC, PUBREL, PUBCOMP
      if (remaining < 2) return { ...reading, error: NO_MESSAGE_ID };
      if (v5 && remaining > 2) {
        const code = bytes[body + 2]!;
        reading.fields.reasonCode = code;
        if (!(type <= 5 ? PUBACK_CODES : PUBREL_CODES).has(code)) {
          return { ...reading, error: { code: 'mqtt.malformed', message: `Invalid ${COMMAND_NAMES[type]} reason code` } };
        }
        if (remaining > 3) readSectionInto(reading, bytes, body + 3, type, users);
      }
      return reading;
    }
    case 8: case 10: { // SUBSCRIBE, UNSUBSCRIBE
      if (remaining < 2) return { ...reading, error: NO_MESSAGE_ID };
      let at = body + 2;
      if (v5) {
        at = at < end ? readSectionInto(reading, bytes, at, type, users) : at;
        if (at < 0) return reading;
      }
      while (at < end) {
        const next = fieldEnd(bytes, at, end);
        if (next < 0) return { ...reading, error: { code: 'mqtt.malformed', message: 'Cannot parse topic' } };
        at = next;
        if (type === 10) continue;
        if (at >= end) return { ...reading, error: { code: 'mqtt.malformed', message: 'Malformed Subscribe Payload' } };
        const options = bytes[at++]!;
        if (v5 ? (options & 0xc0) !== 0 : (options & 0xfc) !== 0) {
          return { ...reading, error: { code: 'mqtt.reserved-flags', message: `Invalid subscribe topic flag bits, bits 7-${v5 ? 6 : 2} must be 0` } };
        }
        if ((options & 3) === 3) return { ...reading, error: { code: 'mqtt.invalid-qos', message: 'Invalid subscribe QoS, must be <= 2' } };
        if (v5 && ((options >> 4) & 3) === 3) return { ...reading, error: { code: 'mqtt.malformed', message: 'Invalid retain handling, must be <= 2' } };
      }
      return reading;
    }
    case 9: case 11: { // SUBACK, UNSUBACK
      if (remaining < 2) return { ...reading, error: type === 11 && !v5 ? { code: 'mqtt.malformed', message: 'Malformed unsuback, payload length must be 2' } : NO_MESSAGE_ID };
      if (type === 11 && !v5) {
        return remaining === 2 ? reading : { ...reading, error: { code: 'mqtt.malformed', message: 'Malformed unsuback, payload length must be 2' } };
      }
      let at = body + 2;
      if (v5) {
        at = at < end ? readSectionInto(reading, bytes, at, type, users) : at;
        if (at < 0) return reading;
      }
      for (; at < end; at++) {
        const code = bytes[at]!;
        if (type === 11) {
          if (!UNSUBACK_CODES.has(code)) return { ...reading, error: { code: 'mqtt.malformed', message: 'Invalid unsuback code' } };
        } else if (v5) {
          if (!SUBACK_CODES.has(code)) return { ...reading, error: { code: 'mqtt.malformed', message: 'Invalid suback code' } };
        } else if (code > 2 && code !== 0x80) {
          return { ...reading, error: { code: 'mqtt.invalid-qos', message: 'Invalid suback QoS, must be 0, 1, 2 or 128' } };
        }
      }
      return reading;
    }
    case 12: case 13: // PINGREQ, PINGRESP
      return reading;
    case 14: { // DISCONNECT
      if (!v5 || remaining === 0) return reading;
      if (!DISCONNECT_CODES.has(bytes[body]!)) return { ...reading, error: { code: 'mqtt.malformed', message: 'Invalid disconnect reason code' } };
      if (remaining > 1) readSectionInto(reading, bytes, body + 1, type, users);
      return reading;
    }
    case 15: { // AUTH
      if (!v5) return { ...reading, error: { code: 'mqtt.unknown-type', message: 'Not supported auth packet for this version MQTT' } };
      if (remaining === 0) return reading;
      if (!AUTH_CODES.has(bytes[body]!)) return { ...reading, error: { code: 'mqtt.malformed', message: 'Invalid auth reason code' } };
      if (remaining > 1) readSectionInto(reading, bytes, body + 1, type, users);
      return reading;
    }
    default:
      return { ...reading, error: { code: 'mqtt.unknown-type', message: 'Not supported' } };
  }
}

/**
 * Reads the head of a packet of which only the first bytes were captured (over the size cap, or a hole in the
 * stream): the fields that are there (PUBLISH topic and packet id, other packet ids), no verdict.
 */
export function readHead(bytes: Buffer, headerLength: number, version: number): PacketReading {
  const type = bytes[0]! >> 4;
  if (type === 3) return readPublish(bytes, headerLength, version, false, true);
  const reading: PacketReading = { fields: {}, notAllowed: NO_PROPERTY_IDS };
  if (type >= 4 && type <= 11 && bytes.length >= headerLength + 2) reading.fields.packetId = bytes.readUInt16BE(headerLength);
  return reading;
}
