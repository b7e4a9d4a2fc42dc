/**
 * MPLS (RFC 3032) after a link header whose EtherType is 0x8847 (unicast) or 0x8848 (multicast): the label stack, 4
 * bytes an entry (label, traffic class, bottom-of-stack bit, TTL), up to the entry with the bottom-of-stack bit; the
 * labels go into LinkLayer.mplsLabels, outermost first (a shim in the link layer, as VLAN tags are: nothing of the
 * frame is left behind, so no tunnel is entered). What follows is guessed by its first nibble, as tshark does by
 * default: 4 is IPv4, 6 IPv6; anything else (a pseudowire control word, an Ethernet pseudowire) is left as other =
 * "mpls". A stack cut short is an error {layer: "mpls", code: "decode.truncated"}.
 */
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { DecodedFrame, LinkLayer } from './types.js';
import { setError, u32 } from './util.js';

export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;

/** Decodes the label stack at d[off..end) and the IP packet after it; the labels are recorded in `link`. */
export function decodeMpls(out: DecodedFrame, d: Buffer, off: number, end: number, link: LinkLayer): void {
  const labels: number[] = [];
  link.mplsLabels = labels;
  for (;;) {
    if (end - off < 4) {
      out.other = 'mpls';
      setError(out, 'mpls', 'decode.truncated', `MPLS label stack entry needs 4 bytes, ${end - off < 0 ? 0 : end - off} captured`);
      return;
    }
    const entry = u32(d, off);
    labels.push(entry >>> 12);
    off += 4;
    if ((entry & 0x100) !== 0) break;
  }
  const nibble = off < end ? d[off]! >> 4 : 0;
  if (nibble === 4) decodeIPv4(out, d, off, end);
  else if (nibble === 6) decodeIPv6(out, d, off, end);
  else out.other = 'mpls';
}
