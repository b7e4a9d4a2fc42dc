/**
 * BSD loopback: LINKTYPE_NULL (0) and LINKTYPE_LOOP (108). A 4-byte address family, then IPv4 or IPv6. For NULL the
 * family is in the capturing host's byte order: read big-endian, a value > 0xffff means it was little-endian and is
 * swapped. For LOOP it is always network order. AF_INET = 2; AF_INET6 = 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30
 * (macOS), as Wireshark knows them. As Wireshark does, a value > 1500 is taken as an EtherType (some old
 * captures). link.etherType is the EtherType the family maps to (0 when unknown: other = "null-family-N").
 * Not done: OSI and IPX families.
 */
import { decodeEtherPayload } from './ethernet.js';
import type { DecodedFrame, LinkLayer } from './types.js';
import { NO_VLANS, setError, u32 } from './util.js';

export const NULL_HEADER_LENGTH = 4;

/** EtherType for a BSD address family, or 0. */
export function nullFamilyEtherType(family: number): number {
  switch (family) {
    case 2:
      return 0x0800;
    case 24:
    case 28:
    case 30:
      return 0x86dd;
    default:
      return family > 1500 && family <= 0xffff ? family : 0;
  }
}

/** Decodes a NULL (loop = false) or LOOP (loop = true) frame occupying d[off..end). */
export function decodeNull(out: DecodedFrame, d: Buffer, off: number, end: number, loop: boolean): void {
  if (end - off < NULL_HEADER_LENGTH) {
    setError(out, 'link', 'decode.truncated', `loopback header needs 4 bytes, ${end - off} captured`);
    return;
  }
  let family = u32(d, off);
  if (!loop && family > 0xffff) {
    family = (d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24)) >>> 0;
  }
  const etherType = nullFamilyEtherType(family);
  const link: LinkLayer = {
    kind: 'null',
    srcMac: undefined,
    dstMac: undefined,
    vlans: NO_VLANS,
    etherType,
    packetType: undefined,
    ifIndex: undefined,
  };
  out.link = link;
  if (etherType === 0) out.other = 'null-family-' + family;
  else decodeEtherPayload(out, d, off + NULL_HEADER_LENGTH, end, link);
}
