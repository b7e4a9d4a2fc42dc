/**
 * IPv6: fixed header, then extension headers (hop-by-hop 0, routing 43, fragment 44, destination options 60, AH 51)
 * until no-next-header 59 or an upper layer. The payload is trimmed to 40 + payload length (link padding never
 * reaches TCP). Payload length 0 with something after the header is taken as a jumbogram/TSO (the length is what the
 * frame holds). A fragment header sets fragment/fragmentOffset/moreFragments, id (its identification) and fragmentPayload
 * (the fragmentable part, for src/defrag's reassembly); a non-first fragment is not decoded further (other =
 * "ipv6-fragment"); a first fragment is. ESP (50) and unknown headers end the walk (other =
 * "ip-proto-N"). Not done: option contents, routing header semantics, jumbo payload option values.
 */
import { formatIPv6 } from './addr.js';
import { decodeIpPayload } from './ipproto.js';
import { wordSum } from './tcp.js';
import type { DecodedFrame, IpPacket } from './types.js';
import { setError, u16 } from './util.js';

export const IPV6_HEADER_LENGTH = 40;

/** Decodes the IPv6 packet starting at d[off]; d[off..end) is what was captured of it. */
export function decodeIPv6(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const avail = end - off;
  if (avail < IPV6_HEADER_LENGTH) {
    setError(out, 'ipv6', 'decode.truncated', `IPv6 header needs 40 bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  const version = d[off]! >> 4;
  if (version !== 6) {
    setError(out, 'ipv6', 'decode.bad-version', `IP version ${version} in an IPv6 header`);
    return;
  }
  const wireAvail = end === d.length && out.originalLength > d.length ? avail + out.originalLength - d.length : avail;
  let nh = d[off + 6]!;
  let total = IPV6_HEADER_LENGTH + u16(d, off + 4);
  if (total === IPV6_HEADER_LENGTH && nh !== 59 && wireAvail > IPV6_HEADER_LENGTH) total = wireAvail; // jumbo/TSO
  const ip: IpPacket = {
    version: 6,
    src: formatIPv6(d, off + 8),
    dst: formatIPv6(d, off + 24),
    protocol: nh,
    ttl: d[off + 7]!,
    id: undefined,
    headerLength: IPV6_HEADER_LENGTH,
    totalLength: total,
    fragment: false,
    fragmentOffset: 0,
    moreFragments: false,
    truncated: total > avail,
  };
  out.ip = ip;
  const pEnd = total < avail ? off + total : end; // captured end of the packet
  const wEnd = off + (total < wireAvail ? total : wireAvail); // end on the wire
  let p = off + IPV6_HEADER_LENGTH;
  for (;;) {
    let len: number;
    if (nh === 0 || nh === 43 || nh === 60) {
      if (pEnd - p < 2) return extTruncated(out, nh, pEnd - p);
      len = (d[p + 1]! + 1) << 3;
    } else if (nh === 44) {
      if (pEnd - p < 8) return extTruncated(out, nh, pEnd - p);
      len = 8;
      const fo = u16(d, p + 2);
      ip.fragment = true;
      ip.fragmentOffset = fo & 0xfff8;
      ip.moreFragments = (fo & 1) !== 0;
      ip.id = d.readUInt32BE(p + 4);
      // The fragmentable part starts after this header; its length on the wire is what the packet holds after it.
      if (p + 8 <= wEnd) ip.fragmentPayload = { data: d.subarray(Math.min(p + 8, pEnd), pEnd), length: total - (p + 8 - off), protocol: d[p]! };
    } else if (nh === 51) {
      if (pEnd - p < 2) return extTruncated(out, nh, pEnd - p);
      len = (d[p + 1]! + 2) << 2;
    } else break;
    if (p + len > wEnd) {
      ip.protocol = nh;
      setError(out, 'ipv6', 'decode.bad-header-length', `IPv6 extension header ${nh} of ${len} bytes overruns the packet`);
      return;
    }
    nh = d[p]!;
    p += len;
    ip.protocol = nh;
    ip.headerLength = p - off;
    if (p > pEnd) {
      setError(out, 'ipv6', 'decode.truncated', `IPv6 extension headers end past the captured bytes`);
      return;
    }
  }
  if (ip.fragmentOffset !== 0) {
    out.other = 'ipv6-fragment';
    return;
  }
  decodeIpPayload(out, d, p, pEnd, wEnd, nh, ip.fragment ? undefined : wordSum(d, off + 8, off + 40) + nh);
}

function extTruncated(out: DecodedFrame, nh: number, have: number): void {
  setError(out, 'ipv6', 'decode.truncated', `IPv6 extension header ${nh} cut short (${have < 0 ? 0 : have} bytes captured)`);
}
