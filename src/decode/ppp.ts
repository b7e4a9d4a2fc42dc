/**
 * PPP in PPTP's enhanced GRE (RFC 2637, GRE protocol type 0x880b; ./gre.ts), read as tshark's PPP-in-HDLC-framing
 * dissector does: the address and control bytes 0xff 0x03 when present (else compressed away), then the protocol
 * field, one byte when its low bit is set (protocol field compression, RFC 1661) or two; 0x0021 is IPv4, 0x0057 IPv6,
 * decoded as the tunnel's inner packet; anything else (LCP 0xc021, IPCP 0x8021, CCP, compressed data...) is left as
 * other = "ppp", counted with its tunnel, no error. A first byte 0x0f or 0x8f is Cisco HDLC instead (address,
 * control, an EtherType), as tshark takes it. The protocol is recorded in the GRE tunnel (pppProtocol). A frame cut
 * before its protocol is an error {layer: "ppp" (or "chdlc"), code: "decode.truncated"}. Not done: PPP's own
 * compression and encryption (MPPE: other = "ppp"), multilink.
 */
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { DecodedFrame, GreTunnel } from './types.js';
import { setError, u16 } from './util.js';

/** GRE protocol type of PPP (PPTP). */
export const ETHERTYPE_PPP = 0x880b;
export const PPP_IPV4 = 0x0021;
export const PPP_IPV6 = 0x0057;

/** Decodes the PPP frame at d[off..end) carried in `tunnel` (already entered). */
export function decodePpp(out: DecodedFrame, d: Buffer, off: number, end: number, tunnel: GreTunnel): void {
  if (off >= end) {
    truncated(out, 'the PPP frame was not captured');
    return;
  }
  const first = d[off]!;
  if (first === 0x0f || first === 0x8f) {
    // Cisco HDLC: address (unicast 0x0f, multicast 0x8f), control, protocol (an EtherType).
    if (end - off < 4) {
      out.other = 'chdlc';
      setError(out, 'chdlc', 'decode.truncated', `Cisco HDLC header needs 4 bytes, ${end - off} captured`);
      return;
    }
    const type = u16(d, off + 2);
    if (type === 0x0800) decodeIPv4(out, d, off + 4, end);
    else if (type === 0x86dd) decodeIPv6(out, d, off + 4, end);
    else out.other = 'chdlc';
    return;
  }
  let p = first === 0xff ? off + 2 : off;
  if (p >= end) {
    truncated(out, 'PPP frame ends before its protocol field');
    return;
  }
  let protocol = d[p]!;
  if ((protocol & 1) !== 0) p += 1;
  else if (end - p < 2) {
    truncated(out, 'PPP protocol field needs 2 bytes, 1 captured');
    return;
  } else { protocol = u16(d, p); p += 2; }
  tunnel.pppProtocol = protocol;
  if (protocol === PPP_IPV4) decodeIPv4(out, d, p, end);
  else if (protocol === PPP_IPV6) decodeIPv6(out, d, p, end);
  else out.other = 'ppp';
}

function truncated(out: DecodedFrame, message: string): void {
  out.other = 'ppp';
  setError(out, 'ppp', 'decode.truncated', message);
}
