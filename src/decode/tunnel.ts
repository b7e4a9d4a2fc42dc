/**
 * Entering an encapsulation: what every tunnel decoder (./vxlan.ts, ./vxlan-gpe.ts, ./geneve.ts, ./gre.ts,
 * ./erspan.ts, ./ip-in-ip.ts, ./mpls.ts) does once its header is read and before it decodes the inner packet. The outer layers go
 * into DecodedFrame.tunnels (outermost first) and the frame's layer fields are cleared for the inner ones, so the rest
 * of the pipeline (hosts, TCP connections, MQTT) sees the inner addresses, as tshark's columns do, and nothing decoded
 * is lost. decodeTunnelPayload decodes what a tunnel that names its payload by EtherType (GRE, Geneve) carries. Does
 * not read any tunnel header itself, nor decide which ports or protocol numbers lead into a tunnel.
 */
import { decodeArp } from './arp.js';
import { decodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, etherTypeName } from './ethernet.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { DecodedFrame, Tunnel } from './types.js';
import { NO_TUNNELS, setError } from './util.js';

/** Transparent Ethernet bridging: a whole Ethernet frame (gretap, Geneve's usual payload). */
export const ETHERTYPE_TEB = 0x6558;

/** Tunnels one frame may be nested in: deeper nesting (only a hostile capture has it) is not followed. */
export const MAX_TUNNEL_DEPTH = 8;

/**
 * Records `tunnel` (whose outer layers the caller took from `out`) and clears out's layers for the inner packet; true
 * when the caller is to decode the inner packet. A frame already MAX_TUNNEL_DEPTH tunnels deep is not entered further
 * (so hostile nesting costs neither stack nor time): an error {layer: the tunnel's kind, code: "decode.error"},
 * the layers as they are, false.
 */
export function enterTunnel(out: DecodedFrame, tunnel: Tunnel): boolean {
  if (out.tunnels.length >= MAX_TUNNEL_DEPTH) {
    out.other = tunnel.kind;
    setError(out, tunnel.kind, 'decode.error', `more than ${MAX_TUNNEL_DEPTH} nested tunnels: the ${tunnel.kind} packet inside is not decoded`);
    return false;
  }
  // A new array each time: a frame decoded again (src/defrag's reassembled datagram) shares its first decoding's.
  out.tunnels = out.tunnels === NO_TUNNELS ? [tunnel] : [...out.tunnels, tunnel];
  out.link = undefined;
  out.arp = undefined;
  out.ip = undefined;
  out.tcp = undefined;
  out.udp = undefined;
  out.dns = undefined;
  out.icmpv6 = undefined;
  out.other = undefined;
  return true;
}

/**
 * Decodes d[off..end), a tunnel's payload whose protocol is the EtherType `type`: an Ethernet frame (0x6558), IPv4,
 * IPv6 or ARP; anything else is named in `other` ("mpls", "ethertype-0x88b5"...).
 */
export function decodeTunnelPayload(out: DecodedFrame, d: Buffer, off: number, end: number, type: number): void {
  if (type === ETHERTYPE_TEB) decodeEthernet(out, d, off, end);
  else if (type === ETHERTYPE_IPV4) decodeIPv4(out, d, off, end);
  else if (type === ETHERTYPE_IPV6) decodeIPv6(out, d, off, end);
  else if (type === ETHERTYPE_ARP) decodeArp(out, d, off, end);
  else out.other = etherTypeName(type);
}
