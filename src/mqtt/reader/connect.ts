/**
 * The one reader of a CONNECT (MQTT 3.1 / 3.1.1 §3.1, 5.0 §3.1): protocol name and level, connect flags, keep-alive,
 * properties, client id, Will, user name, password. A level it does not know is refused (mqtt.bad-protocol) but what
 * can be read is still read, as Wireshark does: the head, and the client id when the rest follows the MQTT 3.1.1
 * layout. It returns fields for session tracking only; the full event's other fields come from mqtt-packet.
 */
import { readProperties } from './properties.js';
import type { ConnectHead, PacketReading, ReaderError } from './result.js';
import { fieldEnd, readString } from './strings.js';

const TOO_SHORT: ReaderError = { code: 'mqtt.malformed', message: 'Packet too short' };

/** The protocol level (bridge bit removed) of the CONNECT in `bytes`, when its head holds that byte. */
export function connectLevel(bytes: Buffer, headerLength: number): number | undefined {
  if (bytes.length < headerLength + 2) return undefined;
  const level = bytes[headerLength + 2 + bytes.readUInt16BE(headerLength)];
  return level === undefined ? undefined : level & 0x7f;
}

export function readConnect(bytes: Buffer, headerLength: number, users: boolean): PacketReading {
  const connect: ConnectHead = {};
  const reading: PacketReading = { fields: { connect }, notAllowed: [] };
  const end = bytes.length;
  const fail = (error: ReaderError): PacketReading => ({ ...reading, error });
  /** An error that leaves the rest readable (an overlong Variable Byte Integer): said once the packet is read. */
  let late: ReaderError | undefined;
  const name = readString(bytes, headerLength, end);
  if (name === undefined) return fail({ code: 'mqtt.bad-protocol', message: 'Cannot parse protocolId' });
  if (name.value !== 'MQTT' && name.value !== 'MQIsdp') return fail({ code: 'mqtt.bad-protocol', message: 'Invalid protocolId' });
  connect.protocolName = name.value;
  let at = name.next;
  if (at >= end) return fail(TOO_SHORT);
  const level = bytes[at]! & 0x7f;
  connect.level = level;
  if ((bytes[at]! & 0x80) !== 0) connect.bridge = true;
  at++;
  const known = level === 3 || level === 4 || level === 5;
  if (at >= end) return fail(known ? TOO_SHORT : invalidLevel(level));
  const flags = bytes[at]!;
  at++;
  if (at + 2 > end) return fail(known ? TOO_SHORT : invalidLevel(level));
  connect.keepAlive = bytes.readUInt16BE(at);
  connect.cleanSession = (flags & 0x02) !== 0;
  at += 2;
  if (!known) {
    // Refused, but read as Wireshark reads an unknown level: the client id right after the keep-alive.
    const clientId = readString(bytes, at, end);
    if (clientId !== undefined) connect.clientId = clientId.value;
    return fail(invalidLevel(level));
  }
  if ((flags & 0x01) !== 0) return fail({ code: 'mqtt.reserved-flags', message: 'Connect flag bit 0 must be 0, but got 1' });
  const will = (flags & 0x04) !== 0;
  if (!will && (flags & 0x20) !== 0) {
    return fail({ code: 'mqtt.malformed', message: 'Will Retain Flag must be set to zero when Will Flag is set to 0' });
  }
  if (!will && (flags & 0x18) !== 0) {
    return fail({ code: 'mqtt.invalid-qos', message: 'Will QoS must be set to zero when Will Flag is set to 0' });
  }
  if (level === 5) {
    const section = readProperties(bytes, at, 1, users);
    reading.notAllowed.push(...section.notAllowed);
    if (section.userProperties !== undefined && section.userProperties.length > 0) reading.userProperties = section.userProperties;
    if (section.byteValues !== undefined) reading.byteValues = section.byteValues;
    if (section.error !== undefined) return fail(section.error);
    late ??= section.overlong;
    at = section.end;
  }
  const clientId = readString(bytes, at, end);
  if (clientId === undefined) return fail(TOO_SHORT);
  connect.clientId = clientId.value;
  at = clientId.next;
  if (will) {
    if (level === 5) {
      const section = readProperties(bytes, at, 0, false);
      reading.notAllowed.push(...section.notAllowed);
      if (section.byteValues !== undefined) reading.willByteValues = section.byteValues;
      if (section.error !== undefined) return fail(section.error);
      late ??= section.overlong;
      at = section.end;
    }
    at = fieldEnd(bytes, at, end);
    if (at < 0) return fail({ code: 'mqtt.malformed', message: 'Cannot parse will topic' });
    at = fieldEnd(bytes, at, end);
    if (at < 0) return fail({ code: 'mqtt.malformed', message: 'Cannot parse will payload' });
  }
  if ((flags & 0x80) !== 0) {
    at = fieldEnd(bytes, at, end);
    if (at < 0) return fail({ code: 'mqtt.malformed', message: 'Cannot parse username' });
  }
  if ((flags & 0x40) !== 0) {
    at = fieldEnd(bytes, at, end);
    if (at < 0) return fail({ code: 'mqtt.malformed', message: 'Cannot parse password' });
  }
  return late !== undefined ? fail(late) : reading;
}

function invalidLevel(level: number): ReaderError {
  return { code: 'mqtt.bad-protocol', message: `Invalid protocol version ${level}` };
}
