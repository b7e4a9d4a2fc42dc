/**
 * Geneve (RFC 8926) over UDP port 6081 (tshark's default): the 8-byte header (version and options length, the O and C
 * flags, the protocol type, the 24-bit VNI), the options (skipped, their length from the header), then the payload
 * by protocol type: an Ethernet frame (0x6558, the usual), IPv4, IPv6 or ARP, decoded after the outer layers are kept
 * in DecodedFrame.tunnels (./tunnel.ts); another protocol type is named in `other`. A header or options cut short is an
 * error {layer: "geneve", code: "decode.truncated"} with the outer layers kept. The first fragment of a fragmented
 * outer datagram stays UDP: src/defrag reassembles it. Not done: option contents.
 */
import { decodeTunnelPayload, enterTunnel } from './tunnel.js';
import type { DecodedFrame } from './types.js';
import { setError, u16 } from './util.js';

export const GENEVE_PORT = 6081;
export const GENEVE_HEADER_LENGTH = 8;

/** Decodes the Geneve header at d[off..end) (the UDP payload) and what it carries. */
export function decodeGeneve(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const ip = out.ip;
  const udp = out.udp;
  if (ip === undefined || udp === undefined || ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  const avail = end - off;
  const optionsLength = avail >= 1 ? (d[off]! & 0x3f) << 2 : 0;
  if (avail < GENEVE_HEADER_LENGTH + optionsLength) {
    setError(out, 'geneve', 'decode.truncated', avail < GENEVE_HEADER_LENGTH
      ? `Geneve header needs 8 bytes, ${avail < 0 ? 0 : avail} captured`
      : `Geneve options need ${optionsLength} bytes, ${avail - GENEVE_HEADER_LENGTH} captured`);
    out.other = 'geneve';
    return;
  }
  const protocol = u16(d, off + 2);
  if (!enterTunnel(out, {
    kind: 'geneve', link: out.link, ip, udp, version: d[off]! >> 6, flags: d[off + 1]!, protocol,
    vni: (d[off + 4]! << 16) | (d[off + 5]! << 8) | d[off + 6]!, optionsLength,
  })) return;
  decodeTunnelPayload(out, d, off + GENEVE_HEADER_LENGTH + optionsLength, end, protocol);
}
