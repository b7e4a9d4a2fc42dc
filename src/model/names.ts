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
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}
