/**
 * The MQTT 5 property section (MQTT 5.0 §2.2.2): walks it in wire order, checks each identifier is known and allowed
 * in the packet's type (table 2-4), and picks out what the analysis needs (Topic Alias, User Properties in wire order
 * with duplicates kept, where the section ends). It does not find where the section starts (each packet type's reader
 * knows) and does not convert values (mqtt-packet does, for the full event), but keeps the one-byte values other than
 * 0 and 1 that mqtt-packet turns into `true` (BYTE_PROPERTY_NAMES), so that the event shows the number, as Wireshark does.
 */
import { overlong, readVariableByteInteger, varintAt, varintLength } from './variable-integer.js';
import { NO_PROPERTY_IDS, type ReaderError } from './result.js';

/** A Variable Byte Integer in more bytes than its value needs: malformed in MQTT 5 (§1.5.5). */
const OVERLONG = (what: string, bytes: number): ReaderError => ({
  code: 'mqtt.malformed', message: `${what} encoded in ${bytes} bytes, more than its value needs (MQTT 5 §1.5.5: the shortest form is required)`,
});

type PropertyKind = 'byte' | 'two' | 'four' | 'varint' | 'string' | 'binary' | 'pair';

interface PropertySpec {
  kind: PropertyKind;
  /** Packet types (1..15) the property may appear in; 0 stands for the Will properties of CONNECT. */
  allowed: readonly number[];
}

// MQTT 5.0 table 2-4.
const SPECS: Readonly<Record<number, PropertySpec>> = {
  0x01: { kind: 'byte', allowed: [3, 0] }, // Payload Format Indicator
  0x02: { kind: 'four', allowed: [3, 0] }, // Message Expiry Interval
  0x03: { kind: 'string', allowed: [3, 0] }, // Content Type
  0x08: { kind: 'string', allowed: [3, 0] }, // Response Topic
  0x09: { kind: 'binary', allowed: [3, 0] }, // Correlation Data
  0x0b: { kind: 'varint', allowed: [3, 8] }, // Subscription Identifier
  0x11: { kind: 'four', allowed: [1, 2, 14] }, // Session Expiry Interval
  0x12: { kind: 'string', allowed: [2] }, // Assigned Client Identifier
  0x13: { kind: 'two', allowed: [2] }, // Server Keep Alive
  0x15: { kind: 'string', allowed: [1, 2, 15] }, // Authentication Method
  0x16: { kind: 'binary', allowed: [1, 2, 15] }, // Authentication Data
  0x17: { kind: 'byte', allowed: [1] }, // Request Problem Information
  0x18: { kind: 'four', allowed: [0] }, // Will Delay Interval
  0x19: { kind: 'byte', allowed: [1] }, // Request Response Information
  0x1a: { kind: 'string', allowed: [2] }, // Response Information
  0x1c: { kind: 'string', allowed: [2, 14] }, // Server Reference
  0x1f: { kind: 'string', allowed: [2, 4, 5, 6, 7, 9, 11, 14, 15] }, // Reason String
  0x21: { kind: 'two', allowed: [1, 2] }, // Receive Maximum
  0x22: { kind: 'two', allowed: [1, 2] }, // Topic Alias Maximum
  0x23: { kind: 'two', allowed: [3] }, // Topic Alias
  0x24: { kind: 'byte', allowed: [2] }, // Maximum QoS
  0x25: { kind: 'byte', allowed: [2] }, // Retain Available
  0x26: { kind: 'pair', allowed: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15] }, // User Property
  0x27: { kind: 'four', allowed: [1, 2] }, // Maximum Packet Size
  0x28: { kind: 'byte', allowed: [2] }, // Wildcard Subscription Available
  0x29: { kind: 'byte', allowed: [2] }, // Subscription Identifiers Available
  0x2a: { kind: 'byte', allowed: [2] }, // Shared Subscription Available
};

/**
 * The one-byte properties mqtt-packet decodes as booleans (any value but 0 is `true`), by id, with mqtt-packet's
 * name for them. Maximum QoS (0x24) is not one: mqtt-packet gives its number.
 */
export const BYTE_PROPERTY_NAMES: Readonly<Record<number, string>> = {
  0x01: 'payloadFormatIndicator', 0x17: 'requestProblemInformation', 0x19: 'requestResponseInformation',
  0x25: 'retainAvailable', 0x28: 'wildcardSubscriptionAvailable', 0x29: 'subscriptionIdentifiersAvailable',
  0x2a: 'sharedSubscriptionAvailable',
};

export interface PropertySection {
  /** Offset just past the section. */
  end: number;
  topicAlias?: number;
  /** Message Expiry Interval (0x02), seconds. */
  messageExpiry?: number;
  /** Response Topic (0x08) and Correlation Data (0x09, as hex): MQTT 5 request/response. */
  responseTopic?: string;
  correlationData?: string;
  /** Ids present that the packet type may not carry, in wire order. */
  notAllowed: number[];
  /** User Properties in wire order (only when asked for). */
  userProperties?: Array<[string, string]>;
  /** BYTE_PROPERTY_NAMES properties whose value is neither 0 nor 1, as id, value, id, value... (rare: absent otherwise). */
  byteValues?: number[];
  error?: ReaderError;
  /**
   * A Variable Byte Integer of the section in more bytes than needed (MQTT 5 §1.5.5): the section was read whole all
   * the same, and the packet is malformed by this unless something else is first.
   */
  overlong?: ReaderError;
}

const CANNOT_PARSE: ReaderError = { code: 'mqtt.bad-property', message: 'Cannot parse property code type' };

/**
 * Walks the property section whose length field is at `at`, within `packet` (which ends where the packet ends).
 * `type` is the packet type (0 for a CONNECT's Will properties). With `users`, User Properties are collected.
 */
export function readProperties(packet: Buffer, at: number, type: number, users: boolean): PropertySection {
  const length = varintAt(packet, at);
  const lengthBytes = varintLength;
  // An empty list until an id not allowed is found (most sections: no array made).
  if (length < 0) return { end: packet.length, notAllowed: [], error: { code: 'mqtt.bad-property', message: 'Invalid property length' } };
  let offset = at + lengthBytes;
  const end = offset + length;
  if (end > packet.length) return { end: packet.length, notAllowed: [], error: CANNOT_PARSE };
  const section: PropertySection = { end, notAllowed: NO_PROPERTY_IDS };
  if (overlong(packet, at, lengthBytes)) section.overlong = OVERLONG('Property Length', lengthBytes);
  const userProperties: Array<[string, string]> | undefined = users ? [] : undefined;
  while (offset < end) {
    const id = packet[offset++]!;
    if (id === 0) return { ...section, error: CANNOT_PARSE };
    const spec = SPECS[id];
    if (spec === undefined) return { ...section, error: { code: 'mqtt.bad-property', message: 'Unknown property' } };
    if (!spec.allowed.includes(type)) {
      if (section.notAllowed === NO_PROPERTY_IDS) section.notAllowed = [];
      section.notAllowed.push(id);
    }
    let next: number;
    switch (spec.kind) {
      case 'byte':
        next = offset + 1;
        if (next <= end && packet[offset]! > 1 && BYTE_PROPERTY_NAMES[id] !== undefined) (section.byteValues ??= []).push(id, packet[offset]!);
        break;
      case 'two':
        next = offset + 2;
        if (id === 0x23 && next <= end) section.topicAlias = packet.readUInt16BE(offset);
        break;
      case 'four':
        next = offset + 4;
        if (id === 0x02 && next <= end) section.messageExpiry = packet.readUInt32BE(offset);
        break;
      case 'varint': {
        const [value, n] = readVariableByteInteger(packet.subarray(0, end), offset);
        if (value >= 0 && overlong(packet, offset, n)) section.overlong ??= OVERLONG('Subscription Identifier', n);
        next = value < 0 ? end + 1 : offset + n;
        break;
      }
      case 'string': case 'binary':
        next = offset + 2 <= end ? offset + 2 + packet.readUInt16BE(offset) : end + 1;
        if (next <= end) {
          if (id === 0x08) section.responseTopic = packet.toString('utf8', offset + 2, next);
          else if (id === 0x09) section.correlationData = packet.toString('hex', offset + 2, next);
        }
        break;
      case 'pair': {
        const nameEnd = offset + 2 <= end ? offset + 2 + packet.readUInt16BE(offset) : end + 1;
        next = nameEnd + 2 <= end ? nameEnd + 2 + packet.readUInt16BE(nameEnd) : end + 1;
        if (next <= end && userProperties !== undefined) {
          userProperties.push([packet.toString('utf8', offset + 2, nameEnd), packet.toString('utf8', nameEnd + 2, next)]);
        }
        break;
      }
    }
    if (next > end) return { ...section, error: { code: 'mqtt.bad-property', message: 'Property value overruns the property section' } };
    offset = next;
  }
  if (userProperties !== undefined) section.userProperties = userProperties;
  return section;
}
