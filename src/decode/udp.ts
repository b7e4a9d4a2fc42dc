/**
 * UDP: ports and the length field only. A decoded datagram sets both `udp` and other = "udp" (UDP is the highest layer
 * this project decodes; nothing above it is looked at). Not done: checksum, payload, length/IP consistency checks.
 */
import type { DecodedFrame } from './types.js';
import { setError, u16 } from './util.js';

export const UDP_HEADER_LENGTH = 8;

/** Decodes the UDP header at d[off..end). */
export function decodeUdp(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const avail = end - off;
  if (avail < UDP_HEADER_LENGTH) {
    setError(out, 'udp', 'decode.truncated', `UDP header needs 8 bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  out.udp = { srcPort: u16(d, off), dstPort: u16(d, off + 2), length: u16(d, off + 4) };
  out.other = 'udp';
}
