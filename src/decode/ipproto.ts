/**
 * Dispatch on the IPv4 protocol / IPv6 next-header number: TCP and UDP are decoded, tunnels are entered from
 * here: GRE (47, ./gre.ts, with ERSPAN, MPLS or PPTP's PPP inside) and IP in IP (4 and 41, ./ip-in-ip.ts); VXLAN,
 * VXLAN-GPE, Geneve, GRE in UDP and MPLS in UDP from UDP (./udp.ts). Anything else is named in `other` ("icmp", "igmp", "icmpv6", or "ip-proto-N"); ICMPv6 messages
 * are read by ./icmpv6.ts. TCP is tried first: a plain TCP packet costs one comparison. Not done: ICMP error contents.
 */
import { decodeGre, IPPROTO_GRE } from './gre.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeIpInIp, IPPROTO_IPIP, IPPROTO_IPV6 } from './ip-in-ip.js';
import { decodeTcp } from './tcp.js';
import type { DecodedFrame } from './types.js';
import { decodeUdp } from './udp.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

const NAMES: string[] = [];
for (let i = 0; i < 256; i++) NAMES.push('ip-proto-' + i);
NAMES[IPPROTO_ICMP] = 'icmp';
NAMES[IPPROTO_IGMP] = 'igmp';
NAMES[IPPROTO_UDP] = 'udp';
NAMES[IPPROTO_ICMPV6] = 'icmpv6';

/** "icmp", "igmp", "icmpv6", "udp", or "ip-proto-N". */
export function ipProtocolName(proto: number): string {
  return NAMES[proto & 0xff]!;
}

/**
 * Decodes an IP payload: captured bytes d[off..end); `wireEnd` is where the payload ends on the wire (>= end when the
 * snaplen cut the frame; it may lie beyond d.length); `pseudo`, the pseudo-header's address and protocol sum that TCP's
 * checksum covers (undefined: not verified).
 */
export function decodeIpPayload(out: DecodedFrame, d: Buffer, off: number, end: number, wireEnd: number, proto: number, pseudo?: number): void {
  if (proto === IPPROTO_TCP) decodeTcp(out, d, off, end, wireEnd, pseudo);
  else if (proto === IPPROTO_UDP) decodeUdp(out, d, off, end);
  else if (proto === IPPROTO_ICMPV6) decodeIcmpv6(out, d, off, end);
  else if (proto === IPPROTO_GRE) decodeGre(out, d, off, end);
  else if (proto === IPPROTO_IPIP || proto === IPPROTO_IPV6) decodeIpInIp(out, d, off, end, proto);
  else out.other = NAMES[proto]!;
}
