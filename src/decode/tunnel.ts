/**
 * Entering an encapsulation: what every tunnel decoder (./vxlan.ts today; GRE, IP-in-IP or Geneve would be one more
 * file each) does once its header is read and before it decodes the inner packet. The outer layers go into
 * DecodedFrame.tunnels (outermost first) and the frame's layer fields are cleared for the inner ones, so the rest of
 * the pipeline (hosts, TCP connections, MQTT) sees the inner addresses, as tshark's columns do, and nothing decoded is
 * lost. Does not read any header itself, nor decide which ports or protocol numbers lead into a tunnel.
 */
import type { DecodedFrame, Tunnel } from './types.js';
import { NO_TUNNELS } from './util.js';

/** Records `tunnel` (whose outer layers the caller took from `out`) and clears out's layers for the inner packet. */
export function enterTunnel(out: DecodedFrame, tunnel: Tunnel): void {
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
}
