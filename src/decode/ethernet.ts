/**
 * Ethernet II (LINKTYPE 1): destination and source MAC, EtherType, then any stack of VLAN tags (802.1Q 0x8100,
 * 802.1ad 0x88a8, old QinQ 0x9100), then dispatch on the inner EtherType: IPv4, IPv6, ARP, MPLS (./mpls.ts: the labels, then IP); anything else is named in
 * `other`. A type/length field < 0x600 is an 802.3 length: the frame carries LLC, reported as other = "llc" (not
 * decoded further, no SNAP). Not handled: the FCS (the IP length trims it away), PPPoE, MACsec contents.
 * `decodeEtherPayload` is also used by SLL, SLL2 and NULL for what follows their header.
 */
import { decodeArp } from './arp.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import { decodeMpls, ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST } from './mpls.js';
import type { DecodedFrame, LinkLayer } from './types.js';
import { hex4, NO_VLANS, setError, u16 } from './util.js';
import { formatMac } from './addr.js';

export const ETHERNET_HEADER_LENGTH = 14;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;

const ETHERTYPE_NAMES = new Map<number, string>([
  [0x8035, 'rarp'],
  [0x8137, 'ipx'],
  [0x8809, 'slow-protocols'],
  [0x8847, 'mpls'],
  [0x8848, 'mpls'],
  [0x8863, 'pppoe-discovery'],
  [0x8864, 'pppoe'],
  [0x888e, 'eapol'],
  [0x88cc, 'lldp'],
  [0x88e5, 'macsec'],
  [0x88f7, 'ptp'],
  [0x8909, 'cisco-metadata'],
  [0x894f, 'nsh'],
  [0x9000, 'loopback'],
]);

/** Short name of an EtherType we do not decode: "lldp", "mpls"... or "ethertype-0x88b5". Values < 0x600 are "llc". */
export function etherTypeName(type: number): string {
  if (type < 0x600) return 'llc';
  const known = ETHERTYPE_NAMES.get(type);
  if (known !== undefined) return known;
  const s = 'ethertype-' + hex4(type);
  ETHERTYPE_NAMES.set(type, s);
  return s;
}

/** Decodes an Ethernet II frame occupying d[off..end). */
export function decodeEthernet(out: DecodedFrame, d: Buffer, off: number, end: number): void {
  if (end - off < ETHERNET_HEADER_LENGTH) {
    setError(out, 'link', 'decode.truncated', `Ethernet header needs 14 bytes, ${end - off} captured`);
    return;
  }
  const link: LinkLayer = {
    kind: 'ethernet',
    srcMac: formatMac(d, off + 6),
    dstMac: formatMac(d, off),
    vlans: NO_VLANS,
    etherType: u16(d, off + 12),
    packetType: undefined,
    ifIndex: undefined,
  };
  out.link = link;
  decodeEtherPayload(out, d, off + ETHERNET_HEADER_LENGTH, end, link);
}

/**
 * Decodes what follows a link header whose protocol field is `link.etherType`: VLAN tags (their ids are appended to
 * link.vlans and link.etherType becomes the inner type), then the network layer.
 */
export function decodeEtherPayload(out: DecodedFrame, d: Buffer, off: number, end: number, link: LinkLayer): void {
  let type = link.etherType;
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
    if (end - off < 4) {
      setError(out, 'link', 'decode.truncated', `VLAN tag needs 4 bytes, ${end - off} captured`);
      return;
    }
    if (link.vlans === NO_VLANS) link.vlans = [];
    link.vlans.push(u16(d, off) & 0x0fff);
    type = u16(d, off + 2);
    off += 4;
    link.etherType = type;
  }
  switch (type) {
    case ETHERTYPE_IPV4:
      decodeIPv4(out, d, off, end);
      return;
    case ETHERTYPE_IPV6:
      decodeIPv6(out, d, off, end);
      return;
    case ETHERTYPE_ARP:
      decodeArp(out, d, off, end);
      return;
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MULTICAST:
      decodeMpls(out, d, off, end, link);
      return;
    default:
      out.other = etherTypeName(type);
  }
}
