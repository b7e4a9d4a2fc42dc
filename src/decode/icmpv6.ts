/**
 * ICMPv6: the message type and code, and what Wireshark's Info column shows of the common messages: echo identifier
 * and sequence, the Neighbor Discovery target, flags and link-layer address options (RFC 4861), the code of error
 * messages. `icmpv6Info` words it as tshark's packet list does ("Neighbor Solicitation for fd00::2 from
 * 02:42:ac:12:00:03", "Echo (ping) request id=0x1883, seq=1, hop limit=64"). Not done: the checksum, request/reply
 * pairing ("reply in N"), options other than the link-layer addresses, MLD records, RPL and the rarer messages (named
 * by type only), the packet quoted by an error message.
 */
import { ICMPV6_CODES, ICMPV6_TYPES } from '../model/names.js';
import { formatIPv6, formatMac } from './addr.js';
import type { DecodedFrame, Icmpv6Message } from './types.js';
import { u16, u32 } from './util.js';

/** MLD (RFC 2710) and MLDv2 (RFC 3810) reports: what a host announces its multicast groups with. */
export const ICMPV6_MLD_REPORT = 131;
export const ICMPV6_MLD2_REPORT = 143;
const ECHO_REQUEST = 128;
const ECHO_REPLY = 129;
const ROUTER_SOLICITATION = 133;
const ROUTER_ADVERTISEMENT = 134;
const NEIGHBOR_SOLICITATION = 135;
const NEIGHBOR_ADVERTISEMENT = 136;
const OPTION_SOURCE_LINKADDR = 1;
const OPTION_TARGET_LINKADDR = 2;

/** Decodes the ICMPv6 message at d[off..end) into `out.icmpv6` (nothing when fewer than 4 bytes were captured). */
export function decodeIcmpv6(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  out.other = 'icmpv6';
  if (end - off < 4) return;
  const type = d[off]!;
  const message: Icmpv6Message = { type, code: d[off + 1]! };
  out.icmpv6 = message;
  switch (type) {
    case ECHO_REQUEST:
    case ECHO_REPLY:
      if (end - off >= 8) {
        message.identifier = u16(d, off + 4);
        message.sequence = u16(d, off + 6);
      }
      return;
    case ROUTER_SOLICITATION:
      readLinkAddress(message, d, off + 8, end, OPTION_SOURCE_LINKADDR);
      return;
    case ROUTER_ADVERTISEMENT:
      readLinkAddress(message, d, off + 16, end, OPTION_SOURCE_LINKADDR);
      return;
    case NEIGHBOR_SOLICITATION:
    case NEIGHBOR_ADVERTISEMENT:
      if (end - off < 24) return;
      if (type === NEIGHBOR_ADVERTISEMENT) message.flags = u32(d, off + 4) >>> 29;
      message.target = formatIPv6(d, off + 8);
      readLinkAddress(message, d, off + 24, end, type === NEIGHBOR_SOLICITATION ? OPTION_SOURCE_LINKADDR : OPTION_TARGET_LINKADDR);
      return;
    default:
  }
}

/** The first Ethernet link-layer address option of `wanted` type among the options at d[p..end). */
function readLinkAddress(message: Icmpv6Message, d: Buffer, p: number, end: number, wanted: number): void {
  while (end - p >= 2) {
    const length = d[p + 1]! * 8;
    if (length === 0 || p + length > end) return;
    if (d[p] === wanted && length === 8) {
      message.linkAddress = formatMac(d, p + 2);
      return;
    }
    p += length;
  }
}

/** What tshark's Info column says of the message; `hopLimit` is the IPv6 header's. */
export function icmpv6Info(m: Icmpv6Message, hopLimit: number): string {
  let text = ICMPV6_TYPES[m.type] ?? `Unknown (${m.type})`;
  const codes = ICMPV6_CODES[m.type];
  if (codes !== undefined) text += ` (${codes[m.code] ?? (m.type === 1 ? 'Unknown' : `Unknown (${m.code})`)})`;
  switch (m.type) {
    case ECHO_REQUEST:
    case ECHO_REPLY:
      if (m.identifier !== undefined && m.sequence !== undefined) {
        text += ` id=0x${m.identifier.toString(16).padStart(4, '0')}, seq=${m.sequence}, hop limit=${hopLimit}`;
      }
      return text;
    case NEIGHBOR_SOLICITATION:
      if (m.target !== undefined) text += ` for ${m.target}`;
      return m.linkAddress !== undefined ? `${text} from ${m.linkAddress}` : text;
    case NEIGHBOR_ADVERTISEMENT: {
      if (m.target !== undefined) text += ` ${m.target}`;
      const flags = m.flags ?? 0;
      const names = [flags & 4 ? 'rtr' : '', flags & 2 ? 'sol' : '', flags & 1 ? 'ovr' : ''].filter((f) => f !== '');
      if (names.length > 0) text += ` (${names.join(', ')})`;
      return m.linkAddress !== undefined ? `${text} is at ${m.linkAddress}` : text;
    }
    case ROUTER_SOLICITATION:
    case ROUTER_ADVERTISEMENT:
      return m.linkAddress !== undefined ? `${text} from ${m.linkAddress}` : text;
    default:
      return text;
  }
}
