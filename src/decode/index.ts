/**
 * Link/network/transport decoding of captured frames (Ethernet, VLAN, Linux cooked v1/v2, BSD loopback, raw IP,
 * ARP, MPLS, IPv4, IPv6, TCP, UDP, DNS; the tunnels VXLAN, VXLAN-GPE, Geneve, GRE, ERSPAN, IP in IP). Entry point: decodeFrame. The per-protocol decoders are exported for reuse and tests;
 * they all take (out, data, offset, end) and fill `out`.
 */
export type { ArpPacket, DecodedFrame, DecodeError, DnsMessage, DnsRecord, IpPacket, LinkLayer, TcpOptions, TcpSegment, Tunnel, UdpDatagram, VxlanTunnel, VxlanGpeTunnel, GeneveTunnel, GreTunnel, ErspanTunnel, IpInIpTunnel } from './types.js';
export {
  decodeFrame,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_RAW_ALT12,
  LINKTYPE_RAW_ALT14,
  SUPPORTED_LINK_TYPES,
} from './frame.js';
export {
  decodeEthernet,
  decodeEtherPayload,
  etherTypeName,
  ETHERNET_HEADER_LENGTH,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_QINQ,
  ETHERTYPE_QINQ_OLD,
  ETHERTYPE_VLAN,
} from './ethernet.js';
export { decodeSll, sllProtocolName, SLL_HEADER_LENGTH, ARPHRD_NETLINK } from './sll.js';
export { decodeSll2, SLL2_HEADER_LENGTH } from './sll2.js';
export { decodeNull, nullFamilyEtherType, NULL_HEADER_LENGTH } from './null.js';
export { decodeRawIp } from './raw.js';
export { decodeArp, ARP_FIXED_LENGTH } from './arp.js';
export { decodeIPv4, IPV4_MIN_HEADER_LENGTH } from './ipv4.js';
export { decodeIPv6, IPV6_HEADER_LENGTH } from './ipv6.js';
export {
  decodeIpPayload,
  ipProtocolName,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IGMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from './ipproto.js';
export {
  decodeTcp,
  decodeTcpOptions,
  NO_TCP_OPTIONS,
  TCP_ACK,
  TCP_CWR,
  TCP_ECE,
  TCP_FIN,
  TCP_MIN_HEADER_LENGTH,
  TCP_NS,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
} from './tcp.js';
export { decodeUdp, UDP_HEADER_LENGTH } from './udp.js';
export { decodeDns, dnsInfo, dnsRcodeName, dnsTypeName, DNS_PORT } from './dns.js';
export { decodeVxlan, VXLAN_FLAG_I, VXLAN_HEADER_LENGTH, VXLAN_LINUX_PORT, VXLAN_PORT } from './vxlan.js';
export { decodeVxlanGpe, VXLAN_GPE_HEADER_LENGTH, VXLAN_GPE_PORT } from './vxlan-gpe.js';
export { decodeGeneve, GENEVE_HEADER_LENGTH, GENEVE_PORT } from './geneve.js';
export { decodeGre, decodeGreInUdp, GRE_FLAG_ACK, GRE_FLAG_CHECKSUM, GRE_FLAG_KEY, GRE_FLAG_ROUTING, GRE_FLAG_SEQUENCE, GRE_UDP_PORT, IPPROTO_GRE } from './gre.js';
export { decodeErspan, GRE_PROTO_ERSPAN, GRE_PROTO_ERSPAN3 } from './erspan.js';
export { decodeIpInIp, IPPROTO_IPIP, IPPROTO_IPV6 } from './ip-in-ip.js';
export { decodeMpls, decodeMplsInUdp, decodeMplsPayload, ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST, MPLS_UDP_PORT, readMplsLabels } from './mpls.js';
export { decodePpp, ETHERTYPE_PPP, PPP_IPV4, PPP_IPV6 } from './ppp.js';
export { decodeTunnelPayload, enterTunnel, ETHERTYPE_TEB } from './tunnel.js';
export { NO_TUNNELS } from './util.js';
export { formatIPv4, formatIPv6, formatMac, formatHexColon } from './addr.js';
