/**
 * GRE (RFC 2784 with RFC 2890's key and sequence number) in IP protocol 47: the 4-byte header (flags and version,
 * protocol type), then the optional fields its bits announce: checksum and offset (C or R), key (K), sequence number
 * (S), source route entries up to the null one (R, RFC 1701). Version 0 only: version 1 is PPTP's enhanced GRE (PPP
 * inside), left as other = "gre". By protocol type: IPv4 (0x0800), IPv6 (0x86dd), an Ethernet frame (0x6558, gretap),
 * ARP are decoded after the outer layers are kept in DecodedFrame.tunnels (./tunnel.ts); ERSPAN (0x88be, 0x22eb) is
 * ./erspan.ts; anything else stays other = "gre" with the outer layers. A header cut short is an error {layer: "gre",
 * code: "decode.truncated"}. The first fragment of a fragmented outer packet stays as it is: src/defrag reassembles it
 * and decodes the whole, tunnel and all. Not done: checksum verification, GRE in UDP (port 4754).
 */
import { decodeErspan, GRE_PROTO_ERSPAN, GRE_PROTO_ERSPAN3 } from './erspan.js';
import { decodeTunnelPayload, enterTunnel, ETHERTYPE_TEB } from './tunnel.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './ethernet.js';
import type { DecodedFrame } from './types.js';
import { setError, u16, u32 } from './util.js';

export const IPPROTO_GRE = 47;
export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_ROUTING = 0x4000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;

/** The GRE fields a payload decoder (ERSPAN) needs from the header it follows. */
export interface GreHeader {
  flags: number;
  protocol: number;
  key: number | undefined;
  sequence: number | undefined;
}

/** Decodes the GRE packet at d[off..end) (the IP payload) and what it carries. */
export function decodeGre(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const ip = out.ip;
  if (ip === undefined) return;
  out.other = 'gre';
  if (ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  const avail = end - off;
  const flags = avail >= 2 ? u16(d, off) : 0;
  const need = 4 + ((flags & (GRE_FLAG_CHECKSUM | GRE_FLAG_ROUTING)) !== 0 ? 4 : 0) + ((flags & GRE_FLAG_KEY) !== 0 ? 4 : 0)
    + ((flags & GRE_FLAG_SEQUENCE) !== 0 ? 4 : 0);
  if (avail < need) {
    truncated(out, `GRE header needs ${need} bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  if ((flags & 7) !== 0) return; // version 1 (PPTP) or unknown
  const protocol = u16(d, off + 2);
  let p = off + 4 + ((flags & (GRE_FLAG_CHECKSUM | GRE_FLAG_ROUTING)) !== 0 ? 4 : 0);
  let key: number | undefined;
  let sequence: number | undefined;
  if ((flags & GRE_FLAG_KEY) !== 0) { key = u32(d, p); p += 4; }
  if ((flags & GRE_FLAG_SEQUENCE) !== 0) { sequence = u32(d, p); p += 4; }
  if ((flags & GRE_FLAG_ROUTING) !== 0) {
    // Source route entries: address family (2), offset (1), length (1), then length bytes; the null one (length 0) ends them.
    for (;;) {
      if (end - p < 4) {
        truncated(out, 'GRE source route entries end past the captured bytes');
        return;
      }
      const len = d[p + 3]!;
      p += 4 + len;
      if (len === 0) break;
    }
  }
  if (protocol === GRE_PROTO_ERSPAN || protocol === GRE_PROTO_ERSPAN3) {
    decodeErspan(out, d, p, end, { flags, protocol, key, sequence });
    return;
  }
  if (protocol !== ETHERTYPE_IPV4 && protocol !== ETHERTYPE_IPV6 && protocol !== ETHERTYPE_TEB && protocol !== ETHERTYPE_ARP) return;
  if (!enterTunnel(out, { kind: 'gre', link: out.link, ip, flags, protocol, key, sequence })) return;
  decodeTunnelPayload(out, d, p, end, protocol);
}

function truncated(out: DecodedFrame, message: string): void {
  setError(out, 'gre', 'decode.truncated', message);
}
