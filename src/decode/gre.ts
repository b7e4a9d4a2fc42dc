/**
 * GRE (RFC 2784 with RFC 2890's key and sequence number) in IP protocol 47 (decodeGre) or in UDP port 4754 (RFC 8086,
 * decodeGreInUdp; tshark's default): the 4-byte header (flags and version, protocol type), then the optional fields
 * its bits announce: checksum and offset (C or R), key (K), sequence number (S), source route entries up to the null
 * one (R, RFC 1701). Every version is decoded by its protocol type, as tshark does; PPTP's enhanced GRE (RFC 2637:
 * version 1 with protocol 0x880b) reads its key field as a payload length and a call id, and an acknowledgement number
 * when the A bit is set. By protocol type: IPv4 (0x0800), IPv6 (0x86dd), an Ethernet frame (0x6558, gretap), ARP,
 * MPLS (0x8847, 0x8848: the labels, then IP or an Ethernet pseudowire, ./mpls.ts), PPP (0x880b: ./ppp.ts, IPv4 or
 * IPv6 inside, another PPP protocol left as other = "ppp") are decoded after the outer layers are kept in
 * DecodedFrame.tunnels (./tunnel.ts); ERSPAN (0x88be, 0x22eb) is ./erspan.ts; anything else, and a PPTP
 * acknowledgement without payload, stays other = "gre" with the outer layers. A header cut short is an error {layer:
 * "gre", code: "decode.truncated"}. The first fragment of a fragmented outer packet stays as it is: src/defrag
 * reassembles it and decodes the whole, tunnel and all. Not done: checksum verification, WCCP's redirect header.
 */
import { decodeErspan, GRE_PROTO_ERSPAN, GRE_PROTO_ERSPAN3 } from './erspan.js';
import { decodeMplsPayload, ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST, readMplsLabels } from './mpls.js';
import { decodePpp, ETHERTYPE_PPP } from './ppp.js';
import { decodeTunnelPayload, enterTunnel, ETHERTYPE_TEB } from './tunnel.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './ethernet.js';
import type { DecodedFrame, GreTunnel } from './types.js';
import { setError, u16, u32 } from './util.js';

export const IPPROTO_GRE = 47;
export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_ROUTING = 0x4000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;
/** PPTP's acknowledgement number bit (version 1). */
export const GRE_FLAG_ACK = 0x0080;
/** GRE in UDP (RFC 8086): tshark's default udp.port for gre. */
export const GRE_UDP_PORT = 4754;

/** The GRE fields a payload decoder (ERSPAN) needs from the header it follows. */
export interface GreHeader {
  flags: number;
  protocol: number;
  key: number | undefined;
  sequence: number | undefined;
}

/** Decodes the GRE packet at d[off..end) (the IP payload) and what it carries. */
export function decodeGre(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  decodeGreHeader(out, d, off, end, undefined);
}

/** Decodes GRE in UDP (the UDP payload d[off..end)) and what it carries. */
export function decodeGreInUdp(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (out.udp !== undefined) decodeGreHeader(out, d, off, end, out.udp);
}

function decodeGreHeader(out: DecodedFrame, d: Buffer, off: number, end: number, udp: GreTunnel['udp']): void {
  const ip = out.ip;
  if (ip === undefined) return;
  out.other = 'gre';
  if (ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  const avail = end - off;
  const flags = avail >= 2 ? u16(d, off) : 0;
  const protocol = avail >= 4 ? u16(d, off + 2) : 0;
  const pptp = (flags & 7) === 1 && protocol === ETHERTYPE_PPP;
  const need = 4 + ((flags & (GRE_FLAG_CHECKSUM | GRE_FLAG_ROUTING)) !== 0 ? 4 : 0) + ((flags & GRE_FLAG_KEY) !== 0 ? 4 : 0)
    + ((flags & GRE_FLAG_SEQUENCE) !== 0 ? 4 : 0) + (pptp && (flags & GRE_FLAG_ACK) !== 0 ? 4 : 0);
  if (avail < need) {
    truncated(out, `GRE header needs ${need} bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  let p = off + 4 + ((flags & (GRE_FLAG_CHECKSUM | GRE_FLAG_ROUTING)) !== 0 ? 4 : 0);
  let key: number | undefined;
  let callId: number | undefined;
  let pppLength = -1;
  let sequence: number | undefined;
  let ack: number | undefined;
  if ((flags & GRE_FLAG_KEY) !== 0) {
    if (pptp) { pppLength = u16(d, p); callId = u16(d, p + 2); }
    else key = u32(d, p);
    p += 4;
  }
  if ((flags & GRE_FLAG_SEQUENCE) !== 0) { sequence = u32(d, p); p += 4; }
  if (pptp && (flags & GRE_FLAG_ACK) !== 0) { ack = u32(d, p); p += 4; }
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
  const tunnel: GreTunnel = {
    kind: 'gre', link: out.link, ip, udp, flags, protocol, key, sequence, callId, ack, pppProtocol: undefined, mplsLabels: undefined,
  };
  if (protocol === ETHERTYPE_MPLS || protocol === ETHERTYPE_MPLS_MULTICAST) {
    const labels: number[] = [];
    const q = readMplsLabels(out, d, p, end, labels);
    if (q < 0) return;
    tunnel.mplsLabels = labels;
    if (!enterTunnel(out, tunnel)) return;
    decodeMplsPayload(out, d, q, end);
    return;
  }
  if (protocol === ETHERTYPE_PPP) {
    if (p >= end && pppLength <= 0) return; // a PPTP acknowledgement alone: no PPP frame
    if (!enterTunnel(out, tunnel)) return;
    decodePpp(out, d, p, end, tunnel);
    return;
  }
  if (protocol !== ETHERTYPE_IPV4 && protocol !== ETHERTYPE_IPV6 && protocol !== ETHERTYPE_TEB && protocol !== ETHERTYPE_ARP) return;
  if (!enterTunnel(out, tunnel)) return;
  decodeTunnelPayload(out, d, p, end, protocol);
}

function truncated(out: DecodedFrame, message: string): void {
  setError(out, 'gre', 'decode.truncated', message);
}
