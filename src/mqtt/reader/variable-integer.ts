/**
 * The one reader of MQTT's Variable Byte Integer (MQTT 5.0 §1.5.5): the fixed header's Remaining Length, and the
 * property length and Subscription Identifier of MQTT 5. At most four bytes, seven bits each, least significant first.
 * It reads; it does not judge what the value may be.
 */

/** Value of an incomplete integer (the bytes ran out first). */
export const VARINT_INCOMPLETE = -1;
/** Value of an invalid integer (a fifth byte would be needed). */
export const VARINT_INVALID = -2;

/**
 * Reads a Variable Byte Integer at `offset`: [value, byteCount], [VARINT_INCOMPLETE, n] when the bytes end first,
 * [VARINT_INVALID, 4] when the fourth byte still has its continuation bit.
 */
export function readVariableByteInteger(buf: Buffer, offset: number): [number, number] {
  const value = varintAt(buf, offset);
  return [value, varintLength];
}

/**
 * Whether the integer of `byteCount` bytes at `offset` is longer than its value needs: its last byte 0 after a
 * continuation (0x80 0x00 for 0). MQTT 5 forbids it (§1.5.5, [MQTT-1.5.5-1]); MQTT 3.1.1 (§2.2.3) does not say.
 * Mosquitto closes the connection on one inside a packet (a Property Length, a Subscription Identifier), and takes a
 * fixed header's Remaining Length so written.
 */
export function overlong(buf: Buffer, offset: number, byteCount: number): boolean {
  return byteCount > 1 && buf[offset + byteCount - 1] === 0;
}

/** The fixed header's Remaining Length at `offset` (just past the first byte): same contract. */
export const readRemainingLength = readVariableByteInteger;

/** The byte count of the integer last read by `varintAt` (same meaning as readVariableByteInteger's second value). */
export let varintLength = 0;

/**
 * readVariableByteInteger without an array per call (the framer reads one per packet): returns the value and leaves
 * the byte count in `varintLength`, to be read before the next call.
 */
export function varintAt(buf: Buffer, offset: number): number {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (offset + i >= buf.length) {
      varintLength = i;
      return VARINT_INCOMPLETE;
    }
    const byte = buf[offset + i]!;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      varintLength = i + 1;
      return value;
    }
    multiplier *= 128;
  }
  varintLength = 4;
  return VARINT_INVALID;
}
