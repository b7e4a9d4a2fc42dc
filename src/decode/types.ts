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
  /** Layer that failed: "link", "arp", "ipv4", "ipv6", "tcp", "udp", "vxlan". */
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
 * An encapsulation a frame was carried in: the outer layers, kept when decoding moves on to the inner ones (nothing
 * decoded is lost). One member per protocol (VXLAN today; GRE, IP-in-IP or Geneve would be more), told apart by `kind`.
 */
export type Tunnel = VxlanTunnel;

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
   * decode.bad-header-length, decode.bad-version, decode.bad-total-length, decode.unsupported-link, decode.internal.
   */
  error?: DecodeError;
  /** True when the snaplen cut the frame (capturedLength < originalLength). */
  truncated: boolean;
}
