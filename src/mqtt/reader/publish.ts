/**
 * The one reader of a PUBLISH (MQTT 3.1.1 §3.3, 5.0 §3.3): topic name (valid UTF-8 without U+0000), packet
 * identifier when QoS > 0, the MQTT 5 property section, the payload. Used on whole packets (with a verdict) and on a
 * packet's head when only that was captured (fields as far as the bytes go, no verdict). It does not track topic
 * aliases or sessions.
 */
import { isUtf8 } from 'node:buffer';
import { fixedHeaderError } from './fixed-header.js';
import { readProperties } from './properties.js';
import { NO_PROPERTY_IDS, type PacketReading } from './result.js';
import { fieldEnd } from './strings.js';
import { MAX_INTERNED_BYTES, internTopic, internedTopicValid } from './topic-cache.js';

/**
 * Reads the PUBLISH in `bytes` (fixed header of `headerLength` bytes first). `head`: only the packet's first bytes
 * were captured: read what is there, judge nothing.
 */
export function readPublish(bytes: Buffer, headerLength: number, version: number, users: boolean, head = false): PacketReading {
  const firstByte = bytes[0]!;
  const qos = (firstByte >> 1) & 3;
  // Every field a PUBLISH may get, present from the start (one shape, no property added per packet).
  const reading: PacketReading = {
    fields: {
      topic: undefined, qos, dup: (firstByte & 8) !== 0, retain: (firstByte & 1) !== 0, packetId: undefined, topicAlias: undefined,
      messageExpiry: undefined, responseTopic: undefined, correlationData: undefined, payload: undefined,
    },
    notAllowed: NO_PROPERTY_IDS, error: undefined, userProperties: undefined,
  };
  const fields = reading.fields;
  const headerError = head ? undefined : fixedHeaderError(firstByte);
  if (headerError !== undefined) reading.error = headerError;
  const end = bytes.length;
  const topicEnd = fieldEnd(bytes, headerLength, end);
  if (topicEnd < 0) {
    if (!head) reading.error ??= { code: 'mqtt.malformed', message: 'Cannot parse topic' };
    return reading;
  }
  const topicStart = headerLength + 2;
  let topicBytes: Buffer | undefined;
  let topicValid = true;
  if (topicEnd - topicStart <= MAX_INTERNED_BYTES) {
    fields.topic = internTopic(bytes, topicStart, topicEnd);
    topicValid = internedTopicValid;
  } else {
    topicBytes = bytes.subarray(topicStart, topicEnd);
    fields.topic = topicBytes.toString('utf8');
  }
  let offset = topicEnd;
  if (qos > 0) {
    if (offset + 2 > end) {
      if (!head) reading.error ??= { code: 'mqtt.malformed', message: 'Cannot parse messageId' };
      return reading;
    }
    fields.packetId = bytes.readUInt16BE(offset);
    offset += 2;
  }
  let propertiesRead = true;
  if (version === 5) {
    if (head) propertiesRead = false;
    else if (offset < end) {
      const section = readProperties(bytes, offset, 3, users);
      reading.notAllowed = section.notAllowed;
      if (section.userProperties !== undefined && section.userProperties.length > 0) reading.userProperties = section.userProperties;
      if (section.topicAlias !== undefined) fields.topicAlias = section.topicAlias;
      if (section.messageExpiry !== undefined) fields.messageExpiry = section.messageExpiry;
      if (section.responseTopic !== undefined) fields.responseTopic = section.responseTopic;
      if (section.correlationData !== undefined) fields.correlationData = section.correlationData;
      if (section.byteValues !== undefined) reading.byteValues = section.byteValues;
      if (section.overlong !== undefined) reading.error ??= section.overlong;
      if (section.error !== undefined) {
        reading.error ??= section.error;
        propertiesRead = false;
      } else offset = section.end;
    }
    // No property length at all: mqtt-packet (and Wireshark) read it as an empty section.
  }
  if (propertiesRead && (offset < end || (!head && reading.error === undefined))) fields.payload = bytes.subarray(offset);
  if (!head && reading.error === undefined && (topicBytes !== undefined ? topicBytes.includes(0) || !isUtf8(topicBytes) : !topicValid)) {
    reading.error = { code: 'mqtt.bad-utf8', message: 'topic name is not valid UTF-8' };
  }
  return reading;
}
