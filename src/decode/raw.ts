/**
 * Raw IP link types: LINKTYPE_RAW (101, and 12/14 which some systems write for DLT_RAW) pick IPv4 or IPv6 from the
 * version nibble; LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) are one version only (a wrong version is the IP
 * decoder's decode.bad-version). link.kind is "raw" with the matching EtherType. Not done: anything but IP.
 */
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { DecodedFrame } from './types.js';
import { NO_VLANS, setError } from './util.js';

/** Decodes a raw IP frame d[off..end); `version` 0 means "from the first nibble". */
export function decodeRawIp(out: DecodedFrame, d: Buffer, off: number, end: number, version: 0 | 4 | 6): void {
  if (version === 0) {
    if (end - off < 1) {
      setError(out, 'link', 'decode.truncated', 'raw IP frame is empty');
      return;
    }
    const nibble = d[off]! >> 4;
    if (nibble !== 4 && nibble !== 6) {
      setError(out, 'link', 'decode.bad-version', `raw IP frame with IP version ${nibble}`);
      return;
    }
    version = nibble;
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
