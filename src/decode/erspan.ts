/**
 * ERSPAN (draft-foschiano-erspan), a switch's remote mirror session carried in GRE (./gre.ts): what follows the GRE
 * header when its protocol type is 0x88be (types I and II) or 0x22eb (type III). As tshark decides: 0x88be without the
 * GRE sequence number bit is type I, the mirrored Ethernet frame right away; otherwise the header's version says the
 * type: 1 is type II (8 bytes: version, VLAN, COS, encapsulation type, truncated bit, session id, index), 2 is type III
 * (12 bytes: the same first word, a timestamp, SGT, frame type, hardware id, direction, granularity and the O bit,
 * which adds an 8-byte platform-specific sub-header). Then the mirrored Ethernet frame, decoded after the outer layers
 * are kept in DecodedFrame.tunnels (./tunnel.ts). A header cut short is an error {layer: "erspan", code:
 * "decode.truncated"}, another version {layer: "erspan", code: "decode.bad-version"} (tshark: unknown version); both
 * keep the outer layers. Not done: frame types other than Ethernet (type III's FT field), the marker packets.
 */
import { decodeEthernet } from './ethernet.js';
import type { GreHeader } from './gre.js';
import { enterTunnel } from './tunnel.js';
import type { DecodedFrame } from './types.js';
import { setError, u16 } from './util.js';

export const GRE_PROTO_ERSPAN = 0x88be;
export const GRE_PROTO_ERSPAN3 = 0x22eb;
/** The GRE sequence number bit (./gre.ts GRE_FLAG_SEQUENCE), which tells type I from type II. */
const GRE_SEQUENCE = 0x1000;

/** Decodes the ERSPAN header at d[off..end) (after the GRE header `gre`) and the frame it carries. */
export function decodeErspan(out: DecodedFrame, d: Buffer, off: number, end: number, gre: GreHeader): void {
  const ip = out.ip!;
  const base = { kind: 'erspan', link: out.link, ip, greFlags: gre.flags, key: gre.key, sequence: gre.sequence } as const;
  if (gre.protocol === GRE_PROTO_ERSPAN && (gre.flags & GRE_SEQUENCE) === 0) {
    if (!enterTunnel(out, { ...base, type: 1, session: undefined, vlan: undefined })) return;
    decodeEthernet(out, d, off, end);
    return;
  }
  const avail = end - off;
  out.other = 'erspan';
  if (avail < 2) {
    setError(out, 'erspan', 'decode.truncated', `ERSPAN header needs 8 bytes, ${avail < 0 ? 0 : avail} captured`);
    return;
  }
  const version = d[off]! >> 4;
  if (version !== 1 && version !== 2) {
    setError(out, 'erspan', 'decode.bad-version', `ERSPAN header version ${version} (1 is type II, 2 type III)`);
    return;
  }
  const length = version === 1 ? 8 : avail >= 12 && (d[off + 11]! & 1) !== 0 ? 20 : 12;
  if (avail < length) {
    setError(out, 'erspan', 'decode.truncated', `ERSPAN type ${version === 1 ? 'II' : 'III'} header needs ${length} bytes, ${avail} captured`);
    return;
  }
  if (!enterTunnel(out, { ...base, type: version === 1 ? 2 : 3, session: u16(d, off + 2) & 0x3ff, vlan: u16(d, off) & 0xfff })) return;
  decodeEthernet(out, d, off + length, end);
}
