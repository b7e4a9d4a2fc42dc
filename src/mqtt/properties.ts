/**
 * MQTT 5 property walker: finds the property section of a control packet and lists its properties in wire order,
 * duplicates kept (mqtt-packet folds user properties into an object and loses their order). Also checks each
 * property is allowed in that packet type. It does not decode anything outside the property section.
 */

type PropertyKind = 'byte' | 'two' | 'four' | 'varint' | 'string' | 'binary' | 'pair';

interface PropertySpec {
  name: string;
  kind: PropertyKind;
  /** Packet types (1..15) the property may appear in; 0 stands for the Will properties of CONNECT. */
  allowed: number[];
}

// MQTT 5.0 table 2-4.
const SPECS: Record<number, PropertySpec> = {
  0x01: { name: 'payloadFormatIndicator', kind: 'byte', allowed: [3, 0] },
  0x02: { name: 'messageExpiryInterval', kind: 'four', allowed: [3, 0] },
  0x03: { name: 'contentType', kind: 'string', allowed: [3, 0] },
  0x08: { name: 'responseTopic', kind: 'string', allowed: [3, 0] },
  0x09: { name: 'correlationData', kind: 'binary', allowed: [3, 0] },
  0x0b: { name: 'subscriptionIdentifier', kind: 'varint', allowed: [3, 8] },
  0x11: { name: 'sessionExpiryInterval', kind: 'four', allowed: [1, 2, 14] },
  0x12: { name: 'assignedClientIdentifier', kind: 'string', allowed: [2] },
  0x13: { name: 'serverKeepAlive', kind: 'two', allowed: [2] },
  0x15: { name: 'authenticationMethod', kind: 'string', allowed: [1, 2, 15] },
  0x16: { name: 'authenticationData', kind: 'binary', allowed: [1, 2, 15] },
  0x17: { name: 'requestProblemInformation', kind: 'byte', allowed: [1] },
  0x18: { name: 'willDelayInterval', kind: 'four', allowed: [0] },
  0x19: { name: 'requestResponseInformation', kind: 'byte', allowed: [1] },
  0x1a: { name: 'responseInformation', kind: 'string', allowed: [2] },
  0x1c: { name: 'serverReference', kind: 'string', allowed: [2, 14] },
  0x1f: { name: 'reasonString', kind: 'string', allowed: [2, 4, 5, 6, 7, 9, 11, 14, 15] },
  0x21: { name: 'receiveMaximum', kind: 'two', allowed: [1, 2] },
  0x22: { name: 'topicAliasMaximum', kind: 'two', allowed: [1, 2] },
  0x23: { name: 'topicAlias', kind: 'two', allowed: [3] },
  0x24: { name: 'maximumQoS', kind: 'byte', allowed: [2] },
  0x25: { name: 'retainAvailable', kind: 'byte', allowed: [2] },
  0x26: { name: 'userProperty', kind: 'pair', allowed: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15] },
  0x27: { name: 'maximumPacketSize', kind: 'four', allowed: [1, 2] },
  0x28: { name: 'wildcardSubscriptionAvailable', kind: 'byte', allowed: [2] },
  0x29: { name: 'subscriptionIdentifiersAvailable', kind: 'byte', allowed: [2] },
  0x2a: { name: 'sharedSubscriptionAvailable', kind: 'byte', allowed: [2] },
};

export interface PropertyScan {
  userProperties: Array<[string, string]>;
  /** The Topic Alias property (PUBLISH), when present. */
  topicAlias?: number;
  /** Offset just past the property section (where the payload starts, for PUBLISH). */
  end?: number;
  /** Ids present that the packet type may not carry. */
  notAllowed: number[];
  /** Set when the section could not be walked (unknown id, overrun). */
  error?: string;
}

function readVarint(buf: Buffer, offset: number): [number, number] {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    const byte = buf[offset + i];
    if (byte === undefined) return [-1, 0];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return [value, i + 1];
    multiplier *= 128;
  }
  return [-1, 0];
}

/** Offset of the property length in a v5 packet's variable header, or -1 when the packet has no properties. */
function propertyOffset(packet: Buffer, type: number, headerLength: number): number {
  const body = headerLength;
  const remaining = packet.length - headerLength;
  switch (type) {
    case 1: return body + 10 + 0; // protocol name (6) + level + flags + keep alive; only for 'MQTT'
    case 2: return remaining > 2 ? body + 2 : -1;
    case 3: {
      const topicLength = packet.readUInt16BE(body);
      const qos = (packet[0]! >> 1) & 3;
      return body + 2 + topicLength + (qos > 0 ? 2 : 0);
    }
    case 4: case 5: case 6: case 7: return remaining > 3 ? body + 3 : -1;
    case 8: case 9: case 10: case 11: return body + 2;
    case 14: case 15: return remaining > 1 ? body + 1 : -1;
    default: return -1;
  }
}

export function scanProperties(packet: Buffer, type: number, headerLength: number): PropertyScan {
  const result: PropertyScan = { userProperties: [], notAllowed: [] };
  try {
    const at = propertyOffset(packet, type, headerLength);
    if (at < 0 || at >= packet.length) return result;
    const [length, lengthBytes] = readVarint(packet, at);
    if (length < 0) return { ...result, error: 'bad property length' };
    let offset = at + lengthBytes;
    const end = offset + length;
    if (end > packet.length) return { ...result, error: 'property length exceeds packet' };
    while (offset < end) {
      const [id, idBytes] = readVarint(packet, offset);
      offset += idBytes;
      const spec = SPECS[id];
      if (spec === undefined || idBytes === 0) return { ...result, error: `unknown property 0x${id.toString(16)}` };
      if (!spec.allowed.includes(type)) result.notAllowed.push(id);
      switch (spec.kind) {
        case 'byte': offset += 1; break;
        case 'two':
          if (id === 0x23) result.topicAlias = packet.readUInt16BE(offset);
          offset += 2;
          break;
        case 'four': offset += 4; break;
        case 'varint': { const [, n] = readVarint(packet, offset); offset += n || 1; break; }
        case 'string': case 'binary': offset += 2 + packet.readUInt16BE(offset); break;
        case 'pair': {
          const nameLength = packet.readUInt16BE(offset);
          const name = packet.toString('utf8', offset + 2, offset + 2 + nameLength);
          offset += 2 + nameLength;
          const valueLength = packet.readUInt16BE(offset);
          const value = packet.toString('utf8', offset + 2, offset + 2 + valueLength);
          offset += 2 + valueLength;
          result.userProperties.push([name, value]);
          break;
        }
      }
    }
    if (offset > end) return { ...result, error: 'property overruns its section' };
    result.end = end;
  } catch {
    return { ...result, error: 'property section truncated' };
  }
  return result;
}
