/**
 * Raw IP link types: LINKTYPE_RAW (101, and 12/14 which some systems write for DLT_RAW), LINKTYPE_IPV4 (228) and
 * LINKTYPE_IPV6 (229). As tshark does, the IP version nibble decides IPv4 or IPv6 for all of them (a 228 file holding
 * an IPv6 packet is decoded as IPv6). link.kind is "raw" with the matching EtherType. Not done: anything but IP.
 */
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { DecodedFrame } from './types.js';
import { NO_VLANS, setError } from './util.js';

/** Decodes a raw IP frame d[off..end). */
export function decodeRawIp(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (end - off < 1) {
    setError(out, 'link', 'decode.truncated', 'raw IP frame is empty');
    return;
  }
  const version = d[off]! >> 4;
  if (version !== 4 && version !== 6) {
    setError(out, 'link', 'decode.bad-version', `raw IP frame with IP version ${version}`);
    return;
  }
  out.link = {
    kind: 'raw',
    srcMac: undefined,
    dstMac: undefined,
    vlans: NO_VLANS,
    etherType: version === 4 ? 0x0800 : 0x86dd,
    packetType: undefined,
    ifIndex: undefined,
  };
  if (version === 4) decodeIPv4(out, d, off, end);
  else decodeIPv6(out, d, off, end);
}
