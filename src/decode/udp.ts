/**
 * UDP: ports and the length field. A decoded datagram sets both `udp` and other = "udp"; from or to port 53 its
 * payload is read as DNS (./dns.ts: other = "dns"), nothing else above UDP is looked at. Not done: checksum,
 * length/IP consistency checks.
 */
import { decodeDns, DNS_PORT } from './dns.js';
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
  const srcPort = u16(d, off);
  const dstPort = u16(d, off + 2);
  const length = u16(d, off + 4);
  out.udp = { srcPort, dstPort, length };
  out.other = 'udp';
  if (srcPort === DNS_PORT || dstPort === DNS_PORT) {
    // The payload as the UDP length gives it (padding never read as DNS), within what was captured.
    const payloadEnd = length >= UDP_HEADER_LENGTH && off + length <= end ? off + length : end;
    decodeDns(out, d, off + UDP_HEADER_LENGTH, payloadEnd);
  }
}
