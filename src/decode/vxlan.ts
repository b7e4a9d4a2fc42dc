/**
 * VXLAN (RFC 7348) over UDP: the 8-byte header (flags with the I bit 0x08, 24 reserved bits, the 24-bit VNI, 8
 * reserved bits), then an inner Ethernet frame, decoded as any Ethernet frame (VLAN tags, IPv4, IPv6, ARP...) after
 * the outer layers are kept in DecodedFrame.tunnels (./tunnel.ts). Ports: 4789 (IANA; tshark's default) and 8472
 * (Linux's and flannel's old default, which later Wireshark releases decode too; tshark 4.0 needs
 * `-d udp.port==8472,vxlan`). As tshark does, a header without the I flag still has its inner frame decoded (the
 * tunnel is marked `malformed`: a Linux VTEP drops it); a header or inner Ethernet header cut short is an error
 * {layer: "vxlan", code: "decode.truncated"} with the outer layers kept. The first fragment of a fragmented outer
 * datagram stays UDP: src/defrag reassembles it and decodes the whole datagram, tunnel and all. Not done: VXLAN-GPE
 * (port 4790), the Group Policy extension's fields (its bits are not called malformed).
 */
import { decodeEthernet, ETHERNET_HEADER_LENGTH } from './ethernet.js';
import { enterTunnel } from './tunnel.js';
import type { DecodedFrame } from './types.js';
import { setError } from './util.js';

export const VXLAN_PORT = 4789;
export const VXLAN_LINUX_PORT = 8472;
export const VXLAN_HEADER_LENGTH = 8;
/** The I flag: the VNI is valid (RFC 7348: must be set). */
export const VXLAN_FLAG_I = 0x08;

/** Decodes the VXLAN header at d[off..end) (the UDP payload) and the Ethernet frame it carries. */
export function decodeVxlan(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const ip = out.ip;
  const udp = out.udp;
  if (ip === undefined || udp === undefined || ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  const avail = end - off;
  if (avail < VXLAN_HEADER_LENGTH + ETHERNET_HEADER_LENGTH) {
    setError(out, 'vxlan', 'decode.truncated', avail < VXLAN_HEADER_LENGTH
      ? `VXLAN header needs 8 bytes, ${avail < 0 ? 0 : avail} captured`
      : `VXLAN inner Ethernet header needs 14 bytes, ${avail - VXLAN_HEADER_LENGTH} captured`);
    out.other = 'vxlan';
    return;
  }
  const flags = d[off]!;
  const vni = (d[off + 4]! << 16) | (d[off + 5]! << 8) | d[off + 6]!;
  if (!enterTunnel(out, {
    kind: 'vxlan', link: out.link, ip, udp, flags, vni,
    malformed: (flags & VXLAN_FLAG_I) === 0
      ? `VXLAN header (VNI ${vni}) without the I flag (flags 0x${flags.toString(16).padStart(2, '0')}): a VTEP drops it`
      : undefined,
  })) return;
  decodeEthernet(out, d, off + VXLAN_HEADER_LENGTH, end);
}
