/**
 * The fixed header's first byte (MQTT 3.1.1/5.0 §2.1): the control packet type and the flags each type must carry
 * (table 2.2; PUBLISH: DUP, QoS, RETAIN with QoS 3 forbidden). The first rule of validity for every packet, and the
 * framer's plausibility test when it resynchronises. It does not read the Remaining Length or the body.
 */
import type { ReaderError } from './result.js';

/** mqtt-packet's (and Wireshark's) lower-case command names by type, for messages. */
export const COMMAND_NAMES: ReadonlyArray<string> = [
  'reserved', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback',
  'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth',
];

/** Header flags a valid packet of each type must carry; undefined = PUBLISH (any but QoS 3); -1: type 0 (none). */
const REQUIRED_FLAGS: ReadonlyArray<number | undefined> = [
  -1, 0, 0, undefined, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0,
];

/** True when `firstByte` is a control packet type with the flags the spec requires (PUBLISH: QoS not 3). */
export function plausibleFirstByte(firstByte: number): boolean {
  const type = firstByte >> 4;
  if (type === 0) return false;
  const required = REQUIRED_FLAGS[type];
  if (required === undefined) return ((firstByte >> 1) & 3) !== 3;
  return (firstByte & 0x0f) === required;
}

/** Why the first byte makes the packet invalid, or undefined when it is valid. */
export function fixedHeaderError(firstByte: number): ReaderError | undefined {
  const type = firstByte >> 4;
  if (type === 0) return { code: 'mqtt.unknown-type', message: 'Not supported' };
  const required = REQUIRED_FLAGS[type];
  if (required === undefined) {
    return ((firstByte >> 1) & 3) === 3 ? { code: 'mqtt.invalid-qos', message: 'Packet must not have both QoS bits set to 1' } : undefined;
  }
  if ((firstByte & 0x0f) !== required) {
    return { code: 'mqtt.reserved-flags', message: `Invalid header flag bits, must be 0x${required.toString(16)} for ${COMMAND_NAMES[type]} packet` };
  }
  return undefined;
}
