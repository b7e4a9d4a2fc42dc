/**
 * ARP (EtherType 0x0806): opcode and the sender/target hardware and protocol addresses. Ethernet/IPv4 ARP gives MACs
 * and dotted IPv4; other hardware/protocol address sizes are kept as colon-separated hex. Not decoded: RARP, InARP
 * semantics, gratuitous-ARP detection.
 */
import { formatHexColon, formatIPv4, formatMac } from './addr.js';
import type { DecodedFrame } from './types.js';
import { setError, u16 } from './util.js';

export const ARP_FIXED_LENGTH = 8;

/** Decodes the ARP packet in d[off..end). */
export function decodeArp(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (end - off < ARP_FIXED_LENGTH) {
    setError(out, 'arp', 'decode.truncated', `ARP header needs 8 bytes, ${end - off} captured`);
    return;
  }
  const hlen = d[off + 4]!;
  const plen = d[off + 5]!;
  const need = ARP_FIXED_LENGTH + 2 * (hlen + plen);
  if (end - off < need) {
    setError(out, 'arp', 'decode.truncated', `ARP packet needs ${need} bytes, ${end - off} captured`);
    return;
  }
  const sha = off + 8;
  const spa = sha + hlen;
  const tha = spa + plen;
  const tpa = tha + hlen;
  out.arp = {
    opcode: u16(d, off + 6),
    senderMac: hlen === 6 ? formatMac(d, sha) : formatHexColon(d, sha, hlen),
    senderIp: plen === 4 ? formatIPv4(d, spa) : formatHexColon(d, spa, plen),
    targetMac: hlen === 6 ? formatMac(d, tha) : formatHexColon(d, tha, hlen),
    targetIp: plen === 4 ? formatIPv4(d, tpa) : formatHexColon(d, tpa, plen),
  };
}
