/**
 * Types of decoded frames: what the link, network and transport decoders produce from one CaptureFrame.
 * Decoding never throws: a layer that cannot be decoded sets `error`, and the layers decoded before it stay.
 * Payload buffers are sub-slices of the frame's data (no copies): valid only while the frame is being handled.
 */

export interface LinkLayer {
  kind: 'ethernet' | 'sll' | 'sll2' | 'null' | 'raw';
  /** Source/destination MAC as "aa:bb:cc:dd:ee:ff" when the link has them (SLL has only the source). */
  srcMac?: string;
  dstMac?: string;
  /** 802.1Q / QinQ VLAN ids, outermost first. Untagged frames share one frozen empty array: do not mutate. */
  vlans: number[];
  /** EtherType (or equivalent) of what the link layer carries. */
  etherType: number;
  /**
   * MPLS labels (mpls.label) of the label stack after the link header (EtherType 0x8847/0x8848), outermost first;
   * absent when the frame has none. etherType stays the MPLS one.
   */
  mplsLabels?: number[];
  /** SLL/SLL2 packet type: 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
  packetType?: number;
  /** SLL2 interface index. */
  ifIndex?: number;
}

export interface ArpPacket {
  /** 1 request (who-has), 2 reply (is-at); other values kept as is. */
  opcode: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

export interface IpPacket {
  version: 4 | 6;
  src: string;
  dst: string;
  /** IPv4 protocol / IPv6 next header after extension headers (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...). */
  protocol: number;
  ttl: number;
  /** IPv4 identification; IPv6: the Fragment header's identification (undefined when it has none). */
  id?: number;
  /** Header length in bytes (IPv6: fixed header plus extension headers). */
  headerLength: number;
  /** IPv4 total length / IPv6 40 + payload length. */
  totalLength: number;
  /** True when the packet is a fragment (MF set or offset != 0, or an IPv6 fragment header). */
  fragment: boolean;
  /** Fragment offset in bytes (the header field times 8). */
  fragmentOffset: number;
  moreFragments: boolean;
  /**
   * A fragment's part of its datagram (set for fragments only): the captured bytes (a view of the frame), their length
   * on the wire (more when the snaplen cut the frame) and the protocol the datagram carries (IPv6: the Fragment
   * header's next header). What src/defrag reassembles; the decoder itself keeps no state.
   */
  fragmentPayload?: FragmentPayload;
  /**
   * True when fewer bytes were captured than totalLength says (snaplen cut, or a bogus length): the layers above are
   * decoded from what is there, as tshark does.
   */
  truncated?: boolean;
}

export interface FragmentPayload {
  data: Buffer;
  length: number;
  protocol: number;
}

export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** SACK blocks as [left, right) raw sequence numbers. */
  sack?: Array<[number, number]>;
  tsval?: number;
  tsecr?: number;
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  /** Raw 32-bit sequence and acknowledgement numbers (unsigned). */
  seq: number;
  ack: number;
  headerLength: number;
  /** Flag bits as in the header's low 9 bits: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80, NS/AE 0x100. */
  flags: number;
  window: number;
  /** Decoded options; segments without any share one frozen empty object (NO_TCP_OPTIONS): do not mutate. */
  options: TcpOptions;
  /** Segment payload (trimmed to the IP length, so link padding never appears). */
  payload: Buffer;
  /** Payload length the IP header declares (may exceed payload.length when the snaplen cut the frame). */
  payloadLength: number;
  /**
   * What the TCP checksum is verified with (tcp.ts tcpChecksumGood): the IP pseudo-header's sum with the segment's
   * length, when the whole segment was captured in one unfragmented packet and it carries data or SYN; undefined when
   * it cannot be verified (pure ACKs, snaplen cut, fragments). A capture on the sending host with checksum offload
   * shows every segment of that host wrong.
   */
  checksumPseudo: number | undefined;
  /** The bytes the segment lies in (the frame's, valid while the frame is processed) and where its header starts. */
  frameBytes: Buffer;
  headerOffset: number;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  length: number;
}

/** One resource record of a DNS message: its section, type, and the data tshark's Info column shows (./dns.ts). */
export interface DnsRecord {
  section: 'answer' | 'authority' | 'additional';
  type: number;
  /** The address (A, AAAA), the name (CNAME, NS, PTR, SOA's primary server, NSEC's next name), "preference name" (MX); else undefined. */
  data: string | undefined;
}

/** A DNS message over UDP port 53 (./dns.ts). */
export interface DnsMessage {
  /** Transaction id (dns.id). */
  id: number;
  /** The QR bit (dns.flags.response). */
  response: boolean;
  opcode: number;
  /** Response code (dns.flags.rcode): 0 no error, 2 server failure, 3 no such name, 5 refused... */
  rcode: number;
  /** The header's counts (dns.count.queries, .answers, .auth_rr, .add_rr). */
  questions: number;
  answers: number;
  authority: number;
  additional: number;
  /** The first question's name (dns.qry.name, "<Root>" for the root) and type (dns.qry.type), when read whole. */
  name: string | undefined;
  qtype: number | undefined;
  /** The records read (at most 32), in order. */
  records: DnsRecord[];
  /** True when the message ended before what its counts announce (tshark: Malformed Packet). */
  malformed: boolean;
}

/** A decoding problem in one frame. */
export interface DecodeError {
  /** Layer that failed: "link", "mpls", "arp", "ipv4", "ipv6", "tcp", "udp", "vxlan", "vxlan-gpe", "geneve", "gre", "erspan", "ppp", "chdlc". */
  layer: string;
  /** Stable code, e.g. "decode.truncated", "decode.bad-header-length", "decode.unsupported-link". */
  code: string;
  message: string;
}

/** An ICMPv6 message: type and code, and the fields Wireshark's Info column shows (./icmpv6.ts). */
export interface Icmpv6Message {
  type: number;
  code: number;
  /** Echo request/reply. */
  identifier?: number;
  sequence?: number;
  /** Neighbor Solicitation/Advertisement: the target address. */
  target?: string;
  /** Neighbor Advertisement: the R, S and O flags (4, 2, 1). */
  flags?: number;
  /** The source (solicitations, router advertisements) or target (neighbor advertisements) link-layer address option. */
  linkAddress?: string;
}

/**
 * A VXLAN encapsulation (RFC 7348; ./vxlan.ts): the outer layers that carried the frame's inner Ethernet frame, and
 * the VXLAN header's fields in Wireshark's names (vxlan.flags' first byte, vxlan.vni).
 */
export interface VxlanTunnel {
  kind: 'vxlan';
  /** The outer link layer (undefined when the outer packet had none, e.g. a raw IP capture). */
  link: LinkLayer | undefined;
  /** The outer IP packet and UDP datagram (destination port 4789 or 8472, or source port when it is the lower one). */
  ip: IpPacket;
  udp: UdpDatagram;
  /** The header's flags byte: 0x08 is the I flag ("the VNI is valid"), the other bits are reserved. */
  flags: number;
  /** VXLAN Network Identifier (24 bits). */
  vni: number;
  /**
   * Why the header breaks RFC 7348, when it does (the I flag clear: a Linux VTEP drops such a packet); the inner
   * frame is decoded all the same, as tshark does. Undefined for a well-formed header.
   */
  malformed: string | undefined;
}

/**
 * VXLAN-GPE (the Generic Protocol Extension, draft-ietf-nvo3-vxlan-gpe; ./vxlan-gpe.ts) over UDP port 4790: the outer
 * layers and the header's fields in Wireshark's names (vxlan.flags' first byte, vxlan.next_proto, vxlan.vni).
 */
export interface VxlanGpeTunnel {
  kind: 'vxlan-gpe';
  link: LinkLayer | undefined;
  ip: IpPacket;
  udp: UdpDatagram;
  /** The flags byte: version (0x30), I 0x08 (the VNI is valid), P 0x04 (next protocol present), O 0x01 (OAM). */
  flags: number;
  /** vxlan.next_proto: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS. */
  nextProtocol: number;
  vni: number;
}

/** Geneve (RFC 8926; ./geneve.ts) over UDP port 6081: the outer layers and the header's fields (geneve.*). */
export interface GeneveTunnel {
  kind: 'geneve';
  link: LinkLayer | undefined;
  ip: IpPacket;
  udp: UdpDatagram;
  /** geneve.version (0 today). */
  version: number;
  /** The flags byte: O 0x80 (an OAM frame), C 0x40 (critical options present). */
  flags: number;
  /** geneve.proto_type, an EtherType (0x6558 Ethernet, 0x0800 IPv4, 0x86dd IPv6). */
  protocol: number;
  vni: number;
  /** Length of the options in bytes (geneve.option_len times 4). */
  optionsLength: number;
}

/**
 * GRE (RFC 2784, RFC 2890; ./gre.ts) in IP protocol 47 or in UDP port 4754 (RFC 8086), carrying IPv4, IPv6, an
 * Ethernet frame (0x6558, gretap), an MPLS label stack (0x8847/0x8848) or, in PPTP's enhanced GRE (RFC 2637: version
 * 1, protocol 0x880b), a PPP frame: the outer layers and the header's fields (gre.proto, gre.key,
 * gre.sequence_number, gre.key.call_id, gre.ack_number, ppp.protocol, mpls.label).
 */
export interface GreTunnel {
  kind: 'gre';
  link: LinkLayer | undefined;
  ip: IpPacket;
  /** The outer UDP datagram of GRE in UDP (port 4754); undefined in IP protocol 47. */
  udp: UdpDatagram | undefined;
  /** gre.flags_and_version: C 0x8000, R 0x4000, K 0x2000, S 0x1000, A 0x0080 (version 1), version in the low 3 bits. */
  flags: number;
  /** gre.proto, an EtherType: 0x0800 IPv4, 0x86dd IPv6, 0x6558 Ethernet, 0x0806 ARP, 0x8847 MPLS, 0x880b PPP. */
  protocol: number;
  /** gre.key when the K bit is set (not in PPTP, whose key field is a payload length and a call id). */
  key: number | undefined;
  /** gre.sequence_number when the S bit is set. */
  sequence: number | undefined;
  /** PPTP (version 1, PPP): gre.key.call_id, the session's call id; undefined otherwise. */
  callId: number | undefined;
  /** PPTP: gre.ack_number when the A bit is set. */
  ack: number | undefined;
  /** PPTP: ppp.protocol of the PPP frame (0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP...); undefined without PPP. */
  pppProtocol: number | undefined;
  /** mpls.label of the label stack the packet carries (0x8847/0x8848), outermost first; undefined without one. */
  mplsLabels: number[] | undefined;
}

/**
 * MPLS in UDP (RFC 7510) over UDP port 6635: the outer layers and the label stack (mpls.label, outermost first); the
 * IP packet or pseudowire Ethernet frame after it is the inner frame (./mpls.ts).
 */
export interface MplsInUdpTunnel {
  kind: 'mpls-in-udp';
  link: LinkLayer | undefined;
  ip: IpPacket;
  udp: UdpDatagram;
  labels: number[];
}

/**
 * ERSPAN (draft-foschiano-erspan; ./erspan.ts), a switch's remote mirror session in GRE (protocol type 0x88be for
 * types I and II, 0x22eb for type III): the outer layers, the GRE header's key and sequence number, and the ERSPAN
 * header's (erspan.version, erspan.spanid, erspan.vlan). Type I has no ERSPAN header: GRE 0x88be without the sequence
 * number bit, as tshark decides.
 */
export interface ErspanTunnel {
  kind: 'erspan';
  link: LinkLayer | undefined;
  ip: IpPacket;
  /** The GRE header's flags and version, key and sequence number (see GreTunnel). */
  greFlags: number;
  key: number | undefined;
  sequence: number | undefined;
  /** ERSPAN type: 1 (no header), 2 (header version 1), 3 (header version 2). */
  type: 1 | 2 | 3;
  /** erspan.spanid, the session id (10 bits); undefined for type I. */
  session: number | undefined;
  /** erspan.vlan, the mirrored frame's original VLAN (12 bits); undefined for type I. */
  vlan: number | undefined;
}

/**
 * IP in IP (./ip-in-ip.ts): an IPv4 or IPv6 packet (IP protocol / next header 4 or 41: IPIP, 6in4/SIT, ip6tnl)
 * carried in an outer IPv4 or IPv6 packet, which is all the tunnel has (its `protocol` says which inner version).
 */
export interface IpInIpTunnel {
  kind: 'ip-in-ip';
  link: LinkLayer | undefined;
  ip: IpPacket;
}

/**
 * An encapsulation a frame was carried in: the outer layers, kept when decoding moves on to the inner ones (nothing
 * decoded is lost). One member per protocol, told apart by `kind`. (MPLS after a link header is no tunnel: its labels
 * are a shim in the link layer, kept in LinkLayer.mplsLabels, as VLAN tags are; MPLS in GRE is the GRE tunnel's
 * mplsLabels; MPLS in UDP is a tunnel of its own, the outer IP and UDP kept.)
 */
export type Tunnel = VxlanTunnel | VxlanGpeTunnel | GeneveTunnel | GreTunnel | ErspanTunnel | IpInIpTunnel | MplsInUdpTunnel;

export interface DecodedFrame {
  frame: number;
  /** Seconds since the epoch as a double (microsecond precision is kept). */
  timestamp: number;
  capturedLength: number;
  originalLength: number;
  interfaceId: number;
  /**
   * The encapsulations the layers below were carried in, outermost first (./tunnel.ts). When a frame is tunnelled,
   * link/arp/ip/tcp/udp/dns/icmpv6/other are the innermost layers (what tshark's columns show) and the outer ones are
   * here. Frames outside any tunnel share one frozen empty array: do not mutate.
   */
  tunnels: Tunnel[];
  link?: LinkLayer;
  arp?: ArpPacket;
  ip?: IpPacket;
  tcp?: TcpSegment;
  udp?: UdpDatagram;
  /** A DNS message (other = "dns"): a UDP datagram from or to port 53 with at least a DNS header. */
  dns?: DnsMessage;
  /** An ICMPv6 message (other = "icmpv6"), when its type and code were captured. */
  icmpv6?: Icmpv6Message;
  /** Name of the highest layer we know but do not decode further ("udp", "icmp", "icmpv6", "ipx", "lldp", "ethertype-0x88cc"...). */
  other?: string;
  /**
   * Set when a layer could not be decoded; layers above stay undefined. Codes: decode.truncated,
   * decode.bad-header-length, decode.bad-version, decode.bad-total-length, decode.unsupported-link, decode.internal,
   * decode.error (more than 8 nested tunnels: ./tunnel.ts).
   */
  error?: DecodeError;
  /** True when the snaplen cut the frame (capturedLength < originalLength). */
  truncated: boolean;
}
