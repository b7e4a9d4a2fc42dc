/**
 * IPv4: version and IHL validation, addresses, protocol, TTL, id, fragment fields; options are skipped (headerLength
 * covers them). The payload is trimmed to the total length, so Ethernet padding or an FCS never reaches TCP/UDP.
 * As tshark does: total length 0 is taken as TSO (the length is what the frame holds); a total length larger than the
 * bytes present still decodes what is there and sets ip.truncated; a total length smaller than the header stops
 * decoding after the IP layer (error decode.bad-total-length). Fragments: a first fragment (offset 0, MF) is decoded
 * further as usual; later fragments are not (other = "ipv4-fragment"); each fragment's part of the datagram is in
 * ip.fragmentPayload, for the reassembly src/defrag does (this decoder keeps no state). Not done: checksum
 * verification, option parsing, IP-in-IP.
 */
import { formatIPv4 } from './addr.js';
import { decodeIpPayload } from './ipproto.js';
import { wordSum } from './tcp.js';
import type { DecodedFrame, IpPacket } from './types.js';
import { setError, u16 } from './util.js';

export const IPV4_MIN_HEADER_LENGTH = 20;

/** Decodes the IPv4 packet starting at d[off]; d[off..end) is what was captured of it (and maybe trailing padding). */
export function decodeIPv4(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const avail = end - off;
  if (avail < IPV4_MIN_HEADER_LENGTH) {
    setError(out, 'ipv4', 'decode.truncated', `IPv4 header needs 20 bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  const b0 = d[off]!;
  if (b0 >> 4 !== 4) {
    setError(out, 'ipv4', 'decode.bad-version', `IP version ${b0 >> 4} in an IPv4 header`);
    return;
  }
  const hl = (b0 & 0x0f) << 2;
  if (hl < IPV4_MIN_HEADER_LENGTH) {
    setError(out, 'ipv4', 'decode.bad-header-length', `IPv4 header length ${hl} < 20`);
    return;
  }
  if (hl > avail) {
    setError(out, 'ipv4', 'decode.truncated', `IPv4 header with options needs ${hl} bytes, ${avail} captured`);
    return;
  }
  // Bytes of this packet on the wire: what is captured plus what the snaplen cut (only if we reach the frame's end).
  const wireAvail = end === d.length && out.originalLength > d.length ? avail + out.originalLength - d.length : avail;
  let total = u16(d, off + 2);
  if (total === 0) total = wireAvail; // TSO: the NIC fills the length in later
  const fragField = u16(d, off + 6);
  const fragmentOffset = (fragField & 0x1fff) << 3;
  const moreFragments = (fragField & 0x2000) !== 0;
  const protocol = d[off + 9]!;
  const ip: IpPacket = {
    version: 4,
    src: formatIPv4(d, off + 12),
    dst: formatIPv4(d, off + 16),
    protocol,
    ttl: d[off + 8]!,
    id: u16(d, off + 4),
    headerLength: hl,
    totalLength: total,
    fragment: moreFragments || fragmentOffset !== 0,
    fragmentOffset,
    moreFragments,
    truncated: total > avail,
  };
  out.ip = ip;
  if (total < hl) {
    setError(out, 'ipv4', 'decode.bad-total-length', `IPv4 total length ${total} < header length ${hl}`);
    return;
  }
  const pEnd = total < avail ? off + total : end;
  const wireEnd = off + (total < wireAvail ? total : wireAvail);
  if (ip.fragment) ip.fragmentPayload = { data: d.subarray(off + hl, pEnd), length: total - hl, protocol };
  if (fragmentOffset !== 0) {
    out.other = 'ipv4-fragment';
    return;
  }
  decodeIpPayload(out, d, off + hl, pEnd, wireEnd, protocol, ip.fragment ? undefined : wordSum(d, off + 12, off + 20) + protocol);
}
