/**
 * MQTT's length-prefixed fields (MQTT 5.0 §1.5.4-1.5.6): a two-byte length then the bytes, bounded by the packet's
 * end. Reads positions only; the callers decode the text.
 */

/** End offset of the length-prefixed field at `at` (at + 2 + length), or -1 when it does not fit before `end`. */
export function fieldEnd(bytes: Buffer, at: number, end: number): number {
  if (at + 2 > end) return -1;
  const next = at + 2 + bytes.readUInt16BE(at);
  return next > end ? -1 : next;
}

/** The UTF-8 string field at `at` (the two length bytes included), or undefined when it does not fit. */
export function readString(bytes: Buffer, at: number, end: number): { value: string; next: number } | undefined {
  const next = fieldEnd(bytes, at, end);
  return next < 0 ? undefined : { value: bytes.toString('utf8', at + 2, next), next };
}
