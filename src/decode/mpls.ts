/**
 * MPLS (RFC 3032): the label stack, 4 bytes an entry (label, traffic class, bottom-of-stack bit, TTL), up to the entry
 * with the bottom-of-stack bit, and what follows it, guessed by its first nibble as tshark (4.0) does by default: 4 is
 * IPv4, 6 IPv6, 0 an Ethernet pseudowire with its 4-byte control word (RFC 4448); anything else (1, a pseudowire's
 * associated channel; data) is left as other = "mpls". Three places carry it:
 * - after a link header whose EtherType is 0x8847 (unicast) or 0x8848 (multicast), decodeMpls: the labels go into
 *   LinkLayer.mplsLabels, outermost first (a shim in the link layer, as VLAN tags are: no tunnel is entered). An
 *   Ethernet pseudowire there is left as other = "mpls" (its inner Ethernet header would take the outer one's place);
 * - in GRE (protocol type 0x8847/0x8848, ./gre.ts), the labels kept in the GRE tunnel, readMplsLabels then
 *   decodeMplsPayload;
 * - in UDP port 6635 (RFC 7510), decodeMplsInUdp: a tunnel of its own (kind "mpls-in-udp", ./tunnel.ts).
 * A stack cut short is an error {layer: "mpls", code: "decode.truncated"}, a control word cut short too, and so is a
 * stack in a tunnel followed by nothing in a frame the snaplen cut. Not done:
 * tshark's manufacturer-database guess that a pseudowire whose first nibble is 0 has no control word (two known
 * vendors' MAC addresses at its start): such a pseudowire is read with a control word here.
 */
import { decodeEthernet } from './ethernet.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import { enterTunnel } from './tunnel.js';
import type { DecodedFrame, LinkLayer } from './types.js';
import { setError, u32 } from './util.js';

export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
/** MPLS in UDP (RFC 7510): tshark's default udp.port for mpls. */
export const MPLS_UDP_PORT = 6635;
/** A pseudowire control word's length (RFC 4448). */
const CONTROL_WORD_LENGTH = 4;

/**
 * Reads the label stack at d[off..end) into `labels` (outermost first); the offset after its bottom entry, or -1
 * when the stack is cut short (the error set, other = "mpls").
 */
export function readMplsLabels(out: DecodedFrame, d: Buffer, off: number, end: number, labels: number[]): number {
  for (;;) {
    if (end - off < 4) {
      out.other = 'mpls';
      setError(out, 'mpls', 'decode.truncated', `MPLS label stack entry needs 4 bytes, ${end - off < 0 ? 0 : end - off} captured`);
      return -1;
    }
    const entry = u32(d, off);
    labels.push(entry >>> 12);
    off += 4;
    if ((entry & 0x100) !== 0) return off;
  }
}

/** Decodes the label stack at d[off..end) and the IP packet after it; the labels are recorded in `link`. */
export function decodeMpls(out: DecodedFrame, d: Buffer, off: number, end: number, link: LinkLayer): void {
  const labels: number[] = [];
  link.mplsLabels = labels;
  const p = readMplsLabels(out, d, off, end, labels);
  if (p < 0) return;
  const nibble = p < end ? d[p]! >> 4 : 0;
  if (nibble === 4) decodeIPv4(out, d, p, end);
  else if (nibble === 6) decodeIPv6(out, d, p, end);
  else out.other = 'mpls';
}

/**
 * Decodes what follows a label stack inside a tunnel, d[off..end) (the tunnel already entered): IPv4, IPv6, or an
 * Ethernet pseudowire after its control word.
 */
export function decodeMplsPayload(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (off >= end) {
    out.other = 'mpls';
    if (out.originalLength > out.capturedLength) setError(out, 'mpls', 'decode.truncated', 'the MPLS payload was not captured');
    return;
  }
  const nibble = d[off]! >> 4;
  if (nibble === 4) decodeIPv4(out, d, off, end);
  else if (nibble === 6) decodeIPv6(out, d, off, end);
  else if (nibble === 0) {
    if (end - off < CONTROL_WORD_LENGTH) {
      out.other = 'mpls';
      setError(out, 'mpls', 'decode.truncated', `pseudowire control word needs 4 bytes, ${end - off} captured`);
      return;
    }
    decodeEthernet(out, d, off + CONTROL_WORD_LENGTH, end);
  } else out.other = 'mpls';
}

/** Decodes MPLS in UDP (the UDP payload d[off..end)): the label stack, the tunnel entered, what the stack carries. */
export function decodeMplsInUdp(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const ip = out.ip;
  const udp = out.udp;
  if (ip === undefined || udp === undefined || ip.fragmentPayload !== undefined) return; // a fragment: src/defrag's
  const labels: number[] = [];
  const p = readMplsLabels(out, d, off, end, labels);
  if (p < 0) return;
  if (!enterTunnel(out, { kind: 'mpls-in-udp', link: out.link, ip, udp, labels })) return;
  decodeMplsPayload(out, d, p, end);
}
