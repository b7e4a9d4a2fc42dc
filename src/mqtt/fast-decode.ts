/**
 * A decoder for the packets that make up the bulk of busy captures (PUBLISH, the four publish acknowledgements,
 * PINGREQ/PINGRESP), used when only the summary is wanted: it reads the few fields the summary needs straight from
 * the buffer, without mqtt-packet's objects. Anything unusual (reserved flags, QoS 3, a topic that overruns the
 * packet, a broken property section) returns undefined, and the packet goes through mqtt-packet as usual.
 */
import { scanProperties } from './properties.js';

export interface FastFields {
  topic?: string;
  packetId?: number;
  qos?: number;
  dup?: boolean;
  retain?: boolean;
  payload?: Buffer;
  topicAlias?: number;
  reasonCode?: number;
}

export function fastDecode(bytes: Buffer, headerLength: number, version: number): FastFields | undefined {
  const firstByte = bytes[0]!;
  const type = firstByte >> 4;
  const remaining = bytes.length - headerLength;
  switch (type) {
    case 3: {
      const qos = (firstByte >> 1) & 3;
      if (qos === 3 || remaining < 2) return undefined;
      const topicLength = bytes.readUInt16BE(headerLength);
      let offset = headerLength + 2 + topicLength;
      if (offset > bytes.length) return undefined;
      const fields: FastFields = {
        topic: bytes.toString('utf8', headerLength + 2, offset), qos, dup: (firstByte & 8) !== 0, retain: (firstByte & 1) !== 0,
      };
      if (qos > 0) {
        if (offset + 2 > bytes.length) return undefined;
        fields.packetId = bytes.readUInt16BE(offset);
        offset += 2;
      }
      if (version === 5) {
        const scan = scanProperties(bytes, 3, headerLength);
        if (scan.error !== undefined || scan.end === undefined) return undefined;
        if (scan.topicAlias !== undefined) fields.topicAlias = scan.topicAlias;
        offset = scan.end;
      }
      fields.payload = bytes.subarray(offset);
      return fields;
    }
    case 4: case 5: case 7: case 6: {
      if ((firstByte & 0x0f) !== (type === 6 ? 2 : 0) || remaining < 2) return undefined;
      if (version !== 5 && remaining !== 2) return undefined;
      const fields: FastFields = { packetId: bytes.readUInt16BE(headerLength) };
      if (version === 5 && remaining > 2) fields.reasonCode = bytes[headerLength + 2]!;
      return fields;
    }
    case 12: case 13:
      return (firstByte & 0x0f) === 0 && remaining === 0 ? {} : undefined;
    default:
      return undefined;
  }
}
