/**
 * Names for MQTT numbers, in Wireshark's words: control packet types, CONNACK return codes (3.x) and reason codes (5.0).
 * Lookup tables only, and the one millisecond format every view and summary line uses.
 */
import type { MqttPacketType } from './events.js';

export const PACKET_TYPES: ReadonlyArray<MqttPacketType | undefined> = [
  undefined, 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
];

/** Wireshark's mqtt.msgtype labels. */
export const PACKET_LABELS: Readonly<Record<MqttPacketType, string>> = {
  CONNECT: 'Connect Command',
  CONNACK: 'Connect Ack',
  PUBLISH: 'Publish Message',
  PUBACK: 'Publish Ack',
  PUBREC: 'Publish Received',
  PUBREL: 'Publish Release',
  PUBCOMP: 'Publish Complete',
  SUBSCRIBE: 'Subscribe Request',
  SUBACK: 'Subscribe Ack',
  UNSUBSCRIBE: 'Unsubscribe Request',
  UNSUBACK: 'Unsubscribe Ack',
  PINGREQ: 'Ping Request',
  PINGRESP: 'Ping Response',
  DISCONNECT: 'Disconnect Req',
  AUTH: 'Authentication Exchange',
};

export const PROTOCOL_VERSIONS: Readonly<Record<number, string>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/** MQTT 3.1/3.1.1 CONNACK return codes. */
export const CONNACK_RETURN_CODES: Readonly<Record<number, string>> = {
  0: 'Connection Accepted',
  1: 'Connection Refused: unacceptable protocol version',
  2: 'Connection Refused: identifier rejected',
  3: 'Connection Refused: server unavailable',
  4: 'Connection Refused: bad user name or password',
  5: 'Connection Refused: not authorized',
};

/** MQTT 5.0 reason codes (section 2.4). */
export const REASON_CODES: Readonly<Record<number, string>> = {
  0x00: 'Success', 0x01: 'Granted QoS 1', 0x02: 'Granted QoS 2', 0x04: 'Disconnect with Will Message',
  0x10: 'No matching subscribers', 0x11: 'No subscription existed', 0x18: 'Continue authentication',
  0x19: 'Re-authenticate', 0x80: 'Unspecified error', 0x81: 'Malformed Packet', 0x82: 'Protocol Error',
  0x83: 'Implementation specific error', 0x84: 'Unsupported Protocol Version', 0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password', 0x87: 'Not authorized', 0x88: 'Server unavailable', 0x89: 'Server busy',
  0x8a: 'Banned', 0x8b: 'Server shutting down', 0x8c: 'Bad authentication method', 0x8d: 'Keep Alive timeout',
  0x8e: 'Session taken over', 0x8f: 'Topic Filter invalid', 0x90: 'Topic Name invalid',
  0x91: 'Packet Identifier in use', 0x92: 'Packet Identifier not found', 0x93: 'Receive Maximum exceeded',
  0x94: 'Topic Alias invalid', 0x95: 'Packet too large', 0x96: 'Message rate too high', 0x97: 'Quota exceeded',
  0x98: 'Administrative action', 0x99: 'Payload format invalid', 0x9a: 'Retain not supported',
  0x9b: 'QoS not supported', 0x9c: 'Use another server', 0x9d: 'Server moved',
  0x9e: 'Shared Subscriptions not supported', 0x9f: 'Connection rate exceeded', 0xa0: 'Maximum connect time',
  0xa1: 'Subscription Identifiers not supported', 0xa2: 'Wildcard Subscriptions not supported',
};

export function reasonName(code: number): string {
  return REASON_CODES[code] ?? `Reason 0x${code.toString(16).padStart(2, '0')}`;
}

/** Milliseconds as the timeline and the summary show them: 3 decimals below 10 ms, 1 above. */
export function formatMs(value: number): string {
  return value < 10 ? fixedDecimals(value, 3, 1000) : fixedDecimals(value, 1, 10);
}

/**
 * `value.toFixed(digits)` (`scale` = 10 ** digits) without toFixed's general decimal conversion when the answer is
 * certain: the nearest whole number of units is taken from `value * scale` (one rounding, off by far less than 0.01
 * below 10^9 units) unless that product is within 0.01 of a half, where toFixed's exact rule decides. Negative, huge
 * or non-finite values go to toFixed too. Called for every latency and forwarding delay of a summary line.
 */
function fixedDecimals(value: number, digits: number, scale: number): string {
  if (value >= 0 && value < 1e9 / scale) {
    const units = value * scale;
    const whole = Math.round(units);
    const off = units - whole;
    if (off < 0.49 && off > -0.49) {
      const int = Math.floor(whole / scale);
      // scale + the fraction's units, less its leading "1": always `digits` digits.
      return `${int}.${String(whole - int * scale + scale).slice(1)}`;
    }
  }
  return value.toFixed(digits);
}

/** Wireshark's icmpv6.type labels (`tshark -G values`); other types are "Unknown (N)". */
export const ICMPV6_TYPES: Readonly<Record<number, string>> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  100: 'Private experimentation', 101: 'Private experimentation', 127: 'Reserved for expansion of ICMPv6 error messages',
  128: 'Echo (ping) request', 129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report',
  132: 'Multicast Listener Done', 133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement', 137: 'Redirect', 138: 'Router Renumbering', 139: 'Node Information Query',
  140: 'Node Information Reply', 141: 'Inverse Neighbor Discovery Solicitation', 142: 'Inverse Neighbor Discovery Advertisement',
  143: 'Multicast Listener Report Message v2', 144: 'Home Agent Address Discovery Request', 145: 'Home Agent Address Discovery Reply',
  146: 'Mobile Prefix Solicitation', 147: 'Mobile Prefix Advertisement', 148: 'Certification Path Solicitation',
  149: 'Certification Path Advertisement', 150: 'Experimental Mobility', 151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation', 153: 'Multicast Router Termination', 154: 'FMIPv6', 155: 'RPL Control',
  156: 'Locator Update', 157: 'Duplicate Address Request', 158: 'Duplicate Address Confirmation', 159: 'MPL Control Message',
  160: 'Extended Echo request', 161: 'Extended Echo reply', 200: 'Private experimentation', 201: 'Private experimentation',
  255: 'Reserved for expansion of ICMPv6 informational messages',
};

/** Wireshark's words for the codes of ICMPv6 error messages, by type (shown after the type name in parentheses). */
export const ICMPV6_CODES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    0: 'no route to destination', 1: 'Administratively prohibited', 2: 'Beyond scope of source address', 3: 'Address unreachable',
    4: 'Port unreachable', 5: 'Source address failed ingress/egress policy', 6: 'Reject route to destination',
    7: 'Error in Source Routing Header',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: {
    0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered',
    3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
  },
};
