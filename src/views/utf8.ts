/**
 * UTF-8 of a character outside the Basic Multilingual Plane, written into a byte array: the one piece the table's row
 * encoder and the NDJSON line writer share (each handles the rest of its text its own way: the table writes a lone
 * surrogate as U+FFFD, as Buffer.write does; NDJSON escapes it). It checks nothing: the caller has seen a high
 * surrogate followed by a low one and has room for 4 bytes.
 */

/** Writes the character of the surrogate pair `high`, `low` at `at` (4 bytes) and returns the end. */
export function putSurrogatePair(bytes: Uint8Array, at: number, high: number, low: number): number {
  const point = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  bytes[at] = 0xf0 | (point >> 18);
  bytes[at + 1] = 0x80 | ((point >> 12) & 0x3f);
  bytes[at + 2] = 0x80 | ((point >> 6) & 0x3f);
  bytes[at + 3] = 0x80 | (point & 0x3f);
  return at + 4;
}
