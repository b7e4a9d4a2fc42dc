/**
 * Linux cooked capture v1 (LINKTYPE_LINUX_SLL 113): 16-byte header with packet type, ARPHRD type, link-layer address
 * (the source; set as srcMac when it is 6 bytes long) and protocol, then what the protocol names (via the Ethernet
 * payload dispatch, VLAN tags included). Protocol values < 0x600 are Linux pseudo-protocols: reported in `other`
 * ("llc", "novell-802.3", "can", "ppp" or "sll-protocol-0xNNNN"); a netlink capture (ARPHRD 824) is other = "netlink".
 * Not done: decoding those pseudo-protocols, the address of non-6-byte links.
 */
import { formatMac } from './addr.js';
import { decodeEtherPayload } from './ethernet.js';
import type { DecodedFrame, LinkLayer } from './types.js';
import { hex4, NO_VLANS, setError, u16 } from './util.js';

export const SLL_HEADER_LENGTH = 16;
export const ARPHRD_NETLINK = 824;

/** Name for an SLL/SLL2 protocol value below 0x600 (a Linux pseudo-protocol). */
export function sllProtocolName(protocol: number): string {
  switch (protocol) {
    case 0x0001:
      return 'novell-802.3';
    case 0x0004:
      return 'llc';
    case 0x000c:
    case 0x000d:
      return 'can';
    case 0x0010:
      return 'ppp';
    default:
      return 'sll-protocol-' + hex4(protocol);
  }
}

/** Decodes a Linux cooked v1 frame occupying d[off..end). */
export function decodeSll(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (end - off < SLL_HEADER_LENGTH) {
    setError(out, 'link', 'decode.truncated', `Linux cooked (SLL) header needs 16 bytes, ${end - off} captured`);
    return;
  }
  const hatype = u16(d, off + 2);
  const addrLen = u16(d, off + 4);
  const protocol = u16(d, off + 14);
  const link: LinkLayer = {
    kind: 'sll',
    srcMac: addrLen === 6 ? formatMac(d, off + 6) : undefined,
    dstMac: undefined,
    vlans: NO_VLANS,
    etherType: protocol,
    packetType: u16(d, off),
    ifIndex: undefined,
  };
  out.link = link;
  if (hatype === ARPHRD_NETLINK) out.other = 'netlink';
  else if (protocol < 0x600) out.other = sllProtocolName(protocol);
  else decodeEtherPayload(out, d, off + SLL_HEADER_LENGTH, end, link);
}
