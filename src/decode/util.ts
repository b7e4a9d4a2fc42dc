/**
 * Small helpers shared by the decoders: big-endian reads on a Buffer without bounds checks (callers check lengths
 * first), error recording, and shared empty values. Nothing here allocates per frame.
 */
import type { DecodedFrame, Tunnel } from './types.js';

/** Unsigned 16-bit big-endian read. The caller guarantees o + 1 < d.length. */
export function u16(d: Buffer, o: number): number {
  return (d[o]! << 8) | d[o + 1]!;
}

/** Unsigned 32-bit big-endian read. The caller guarantees o + 3 < d.length. */
export function u32(d: Buffer, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

/** Records a decoding problem; layers decoded so far stay, nothing above is decoded. */
export function setError(out: DecodedFrame, layer: string, code: string, message: string): void {
  out.error = { layer, code, message };
}

/** Shared, frozen "no VLAN tags" array (most frames). A frame with tags gets its own array. Do not mutate. */
export const NO_VLANS: number[] = Object.freeze([]) as unknown as number[];

/** Shared, frozen "not tunnelled" array (most frames). A tunnelled frame gets its own array. Do not mutate. */
export const NO_TUNNELS: Tunnel[] = Object.freeze([]) as unknown as Tunnel[];

/** "0x" + 4 lowercase hex digits. */
export function hex4(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0');
}
