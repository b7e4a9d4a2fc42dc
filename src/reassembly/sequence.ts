/**
 * 32-bit TCP sequence-number arithmetic (RFC 1982 style): differences and comparisons that survive wrap-around.
 * Pure functions only; no state.
 */

/** a - b as a signed 32-bit distance (positive when a is after b). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a + n modulo 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

export function seqLess(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLessOrEqual(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return seqDiff(a, b) >= 0 ? a : b;
}
