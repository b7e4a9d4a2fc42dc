/**
 * UDP: ports and the length field. A decoded datagram sets both `udp` and other = "udp"; then, as tshark's UDP
 * dissector does, the lower of the two ports is tried first, then the higher: port 53 is DNS (./dns.ts: other =
 * "dns"), ports 4789 and 8472 are VXLAN (./vxlan.ts), 4790 VXLAN-GPE (./vxlan-gpe.ts), 6081 Geneve (./geneve.ts), 4754
 * GRE in UDP (RFC 8086, ./gre.ts), 6635 MPLS in UDP (RFC 7510, ./mpls.ts), all tshark's defaults: the frame's layers
 * become the tunnelled frame's. Nothing else above UDP is looked at. Not done: checksum, length/IP consistency checks, heuristic dissectors.
 */
import { decodeDns, DNS_PORT } from './dns.js';
import type { DecodedFrame } from './types.js';
import { setError, u16 } from './util.js';
import { decodeGeneve, GENEVE_PORT } from './geneve.js';
import { decodeGreInUdp } from './gre.js';
import { decodeMplsInUdp } from './mpls.js';
import { decodeVxlan, VXLAN_LINUX_PORT, VXLAN_PORT } from './vxlan.js';
import { decodeVxlanGpe, VXLAN_GPE_PORT } from './vxlan-gpe.js';

export const UDP_HEADER_LENGTH = 8;

type PayloadDecoder = (out: DecodedFrame, d: Buffer, off: number, end: number) => void;

/** The payload decoders by UDP port (tshark's udp.port table, for the protocols we read). */
const BY_PORT = new Map<number, PayloadDecoder>([
  [DNS_PORT, decodeDns],
  [VXLAN_PORT, decodeVxlan],
  [VXLAN_LINUX_PORT, decodeVxlan],
  [VXLAN_GPE_PORT, decodeVxlanGpe],
  [GENEVE_PORT, decodeGeneve],
  // Literals (GRE_UDP_PORT, MPLS_UDP_PORT): the decoders import one another in a cycle, no imported constant is read at load time.
  [4754, decodeGreInUdp],
  [6635, decodeMplsInUdp],
]);

/** Decodes the UDP header at d[off..end). */
export function decodeUdp(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  const avail = end - off;
  if (avail < UDP_HEADER_LENGTH) {
    setError(out, 'udp', 'decode.truncated', `UDP header needs 8 bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  const srcPort = u16(d, off);
  const dstPort = u16(d, off + 2);
  const length = u16(d, off + 4);
  out.udp = { srcPort, dstPort, length };
  out.other = 'udp';
  const low = srcPort < dstPort ? srcPort : dstPort;
  const decoder = BY_PORT.get(low) ?? BY_PORT.get(low === srcPort ? dstPort : srcPort);
  if (decoder === undefined) return;
  // The payload as the UDP length gives it (padding never read as the payload), within what was captured.
  const payloadEnd = length >= UDP_HEADER_LENGTH && off + length <= end ? off + length : end;
  decoder(out, d, off + UDP_HEADER_LENGTH, payloadEnd);
}
