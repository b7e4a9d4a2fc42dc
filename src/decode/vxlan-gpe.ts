/**
 * VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe) over UDP port 4790 (tshark's default): the 8-byte header (flags with the I
 * and P bits, 16 reserved bits, the next protocol, the 24-bit VNI, 8 reserved bits), then by next protocol: IPv4 (1),
 * IPv6 (2) or an Ethernet frame (3), decoded after the outer layers are kept in DecodedFrame.tunnels (./tunnel.ts);
 * NSH (4) and MPLS (5) are named in `other`. A header cut short is an error {layer: "vxlan-gpe", code:
 * "decode.truncated"} with the outer layers kept. The first fragment of a fragmented outer datagram stays UDP:
 * src/defrag reassembles it.
 */
import { decodeTunnelPayload, enterTunnel } from './tunnel.js';
import type { DecodedFrame } from './types.js';
import { setError } from './util.js';

export const VXLAN_GPE_PORT = 4790;
export const VXLAN_GPE_HEADER_LENGTH = 8;

/**
 * The EtherType of each next protocol (vxlan.next_proto): 1 IPv4, 2 IPv6, 3 Ethernet (transparent Ethernet bridging),
 * 4 NSH, 5 MPLS. Literals: the decoders import one another in a cycle, so no imported constant is read at load time.
 */
const NEXT_PROTOCOL_TYPES = [0, 0x0800, 0x86dd, 0x6558, 0x894f, 0x8847];

/** Decodes the VXLAN-GPE header at d[off..end) (the UDP payload) and what it carries. */
export function decodeVxlanGpe(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const ip = out.ip;
  const udp = out.udp;
  if (ip === undefined || udp === undefined || ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  const avail = end - off;
  if (avail < VXLAN_GPE_HEADER_LENGTH) {
    setError(out, 'vxlan-gpe', 'decode.truncated', `VXLAN-GPE header needs 8 bytes, ${avail < 0 ? 0 : avail} captured`);
    out.other = 'vxlan-gpe';
    return;
  }
  const nextProtocol = d[off + 3]!;
  if (!enterTunnel(out, {
    kind: 'vxlan-gpe', link: out.link, ip, udp, flags: d[off]!, nextProtocol,
    vni: (d[off + 4]! << 16) | (d[off + 5]! << 8) | d[off + 6]!,
  })) return;
  const type = NEXT_PROTOCOL_TYPES[nextProtocol];
  if (type === undefined || type === 0) out.other = 'vxlan-gpe';
  else decodeTunnelPayload(out, d, off + VXLAN_GPE_HEADER_LENGTH, end, type);
}
