/**
 * IP in IP: an IPv4 packet (IP protocol / next header 4: IPIP, RFC 2003) or an IPv6 packet (41: 6in4/SIT, RFC 4213,
 * and ip6tnl, RFC 2473) carried in an outer IPv4 or IPv6 packet. The outer layers are kept in DecodedFrame.tunnels
 * (./tunnel.ts) and the inner packet is decoded as any IP packet. The first fragment of a fragmented outer packet
 * stays as it is (other = "ip-in-ip"): src/defrag reassembles it and decodes the whole, tunnel and all.
 */
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import { enterTunnel } from './tunnel.js';
import type { DecodedFrame } from './types.js';

export const IPPROTO_IPIP = 4;
export const IPPROTO_IPV6 = 41;

/** Decodes the inner IP packet at d[off..end), IPv4 when `proto` is 4, IPv6 when it is 41. */
export function decodeIpInIp(out: DecodedFrame, d: Buffer, off: number, end: number, proto: number): void {
  const ip = out.ip;
  if (ip === undefined) return;
  out.other = 'ip-in-ip';
  if (ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  if (!enterTunnel(out, { kind: 'ip-in-ip', link: out.link, ip })) return;
  if (proto === IPPROTO_IPIP) decodeIPv4(out, d, off, end);
  else decodeIPv6(out, d, off, end);
}
