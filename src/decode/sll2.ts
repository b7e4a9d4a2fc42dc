/**
 * Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 276): 20-byte header with protocol, interface index, ARPHRD type,
 * packet type and link-layer address (the source; srcMac when 6 bytes long), then the same dispatch as SLL v1.
 * Not done: decoding Linux pseudo-protocols (< 0x600) or netlink.
 */
import { formatMac } from './addr.js';
import { decodeEtherPayload } from './ethernet.js';
import { ARPHRD_NETLINK, sllProtocolName } from './sll.js';
import type { DecodedFrame, LinkLayer } from './types.js';
import { NO_VLANS, setError, u16, u32 } from './util.js';

export const SLL2_HEADER_LENGTH = 20;

/** Decodes a Linux cooked v2 frame occupying d[off..end). */
export function decodeSll2(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (end - off < SLL2_HEADER_LENGTH) {
    setError(out, 'link', 'decode.truncated', `Linux cooked v2 (SLL2) header needs 20 bytes, ${end - off} captured`);
    return;
  }
  const protocol = u16(d, off);
  const hatype = u16(d, off + 8);
  const addrLen = d[off + 11]!;
  const link: LinkLayer = {
    kind: 'sll2',
    srcMac: addrLen === 6 ? formatMac(d, off + 12) : undefined,
    dstMac: undefined,
    vlans: NO_VLANS,
    etherType: protocol,
    packetType: d[off + 10]!,
    ifIndex: u32(d, off + 4),
  };
  out.link = link;
  if (hatype === ARPHRD_NETLINK) out.other = 'netlink';
  else if (protocol < 0x600) out.other = sllProtocolName(protocol);
  else decodeEtherPayload(out, d, off + SLL2_HEADER_LENGTH, end, link);
}
