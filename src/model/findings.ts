/**
 * The catalogue of finding codes (each with its severity and meaning, mirrored in docs/findings.md) and the one
 * function that makes a finding event. Findings are data: the run goes on after each.
 */
import type { FindingEvent, Severity } from './events.js';

export const FINDING_CODES = {
  // capture reader
  'capture.truncated-record': { severity: 'warning', text: 'The file ends in the middle of a record; earlier frames are kept.' },
  'capture.bad-block': { severity: 'error', text: 'A pcap/pcapng record or block has an impossible length; reading stops there.' },
  'capture.bad-record': { severity: 'error', text: 'A record claims an impossible captured length (classic pcap: reading stops; pcapng: the block is skipped).' },
  'capture.unknown-interface': { severity: 'warning', text: 'A pcapng packet block names an interface its section never described; it is skipped.' },
  'capture.gzip-truncated': { severity: 'warning', text: 'The gzip stream ends early; the frames before the cut are kept.' },
  'capture.unknown-block': { severity: 'note', text: 'pcapng blocks of a type we do not read were skipped.' },
  // hostile input (issue #15)
  'capture.gzip-corrupt': { severity: 'error', text: 'The gzip data is corrupt after some frames (bad checksum or length, trailing bytes that are not gzip); the frames before are kept.' },
  'capture.decompression-ratio': { severity: 'error', text: 'The gzip input expands more than --max-gzip-ratio times (a decompression bomb?); reading stopped, the frames before are kept.' },
  'capture.interface-cap': { severity: 'warning', text: 'More pcapng interface description blocks than the file may keep (65 536); later ones and their packets are skipped.' },
  'capture.time-backwards': { severity: 'warning', text: 'A frame is older than the frame before it: no negative duration, latency or RTT is reported across it.' },
  'capture.decryption-secrets': { severity: 'note', text: 'A pcapng Decryption Secrets Block: a TLS key log in it is used as if given with --keylog (merged with it); other secrets types are not used.' },
  'capture.bad-secrets': { severity: 'warning', text: 'A pcapng Decryption Secrets Block whose secrets do not fit the block; it is skipped.' },
  'capture.notice': { severity: 'note', text: 'Another remark of the capture reader.' },
  'budget.exceeded': { severity: 'warning', text: 'The memory budget (--memory-budget) was reached: the state named (interfaces, key-log, ip-fragments, connections, framer-carry, reassembly, pending-requests) dropped what it would have kept, as its finding says; at the end, how many charges were refused in all.' },
  // frame decoders
  'decode.truncated': { severity: 'warning', text: 'A frame is too short for a header it announces; the layers before it are kept.' },
  'decode.bad-header-length': { severity: 'warning', text: 'An IPv4/IPv6/TCP header length field is impossible.' },
  'decode.bad-version': { severity: 'warning', text: 'An IP header has a version other than 4 or 6 (or an ERSPAN header one other than 1 and 2, types II and III).' },
  'decode.bad-total-length': { severity: 'warning', text: 'An IP total/payload length is smaller than its header; the IP layer is kept, nothing above it.' },
  'decode.internal': { severity: 'error', text: 'A decoder failed unexpectedly on this frame (a bug: please report it with the capture).' },
  'decode.unsupported-link': { severity: 'warning', text: 'The interface uses a link type we do not decode; its frames are counted as undecodable.' },
  'decode.bad-tunnel-header': { severity: 'warning', text: 'A tunnel header breaks its rules (a VXLAN header without the I flag): the frame inside is still decoded, as tshark does, but the receiving tunnel endpoint drops it.' },
  'decode.error': { severity: 'warning', text: 'Another frame decoding problem.' },
  'ip.fragment': { severity: 'note', text: 'IP fragments reassembled into one datagram (as tshark\'s ip.defragment): the layers above it (TCP, MQTT) are read at the frame that completed it; the evidence lists the fragments\' frames.' },
  'ip.fragment-overlap': { severity: 'warning', text: 'An IP fragment overlaps bytes already held for its datagram with different ones: the first bytes are kept.' },
  'ip.fragment-bad': { severity: 'warning', text: 'An impossible IP fragment (past 65 535 bytes, a non-last fragment whose length is not a non-zero multiple of 8, a second end for its datagram): it is skipped.' },
  'ip.fragment-incomplete': { severity: 'warning', text: 'An IP datagram whose fragments never all arrived (timed out, given up past the caps or the memory budget, or still waiting at the end of the capture): the layers above it are not read.' },
  // TCP
  'tcp.reassembly-cap': { severity: 'warning', text: 'Out-of-order data exceeded the reassembly cap; the hole before it was declared lost.' },
  'tcp.connection-evicted': { severity: 'warning', text: 'The connection table was full; the least recently active connection was closed early.' },
  'tcp.snaplen': { severity: 'note', text: 'Frames were cut by the snapshot length: MQTT packets are reported from their captured head (`malformed: "mqtt.incomplete"`), framing stays in step.' },
  'tcp.bad-checksum-dropped': { severity: 'warning', text: 'A segment that arrived with a bad TCP checksum was neither sent again nor acknowledged before its connection (or the capture) ended: the receiver dropped it, and its bytes, corrupted, are not read (tshark, which does not verify checksums by default, dissects them).' },
  'tcp.gap': { severity: 'warning', text: 'Bytes of a TCP stream were never captured; MQTT framing resynchronises after the hole.' },
  // MQTT framing and decoding
  'mqtt.bad-remaining-length': { severity: 'error', text: 'A Remaining Length field is longer than 4 bytes.' },
  'mqtt.resync': { severity: 'warning', text: 'Bytes skipped while looking for the next valid MQTT fixed header (after a gap or garbage).' },
  'mqtt.incomplete-at-end': { severity: 'note', text: 'The stream ended in the middle of an MQTT packet.' },
  'mqtt.incomplete': { severity: 'note', text: 'Only the head of this MQTT packet was captured (snaplen or a hole inside it); fields beyond it are missing. Set only as an event\'s `malformed` value.' },
  'mqtt.packet-too-large': { severity: 'warning', text: 'A packet exceeds the buffering cap (--max-packet-bytes): its head is decoded, the rest skipped.' },
  'mqtt.invalid-qos': { severity: 'error', text: 'A PUBLISH (or subscription) has QoS 3.' },
  'mqtt.reserved-flags': { severity: 'error', text: 'Fixed-header flags differ from the values the specification reserves.' },
  'mqtt.unknown-type': { severity: 'error', text: 'Control packet type 0 (reserved), or AUTH before MQTT 5.' },
  'mqtt.bad-protocol': { severity: 'error', text: 'CONNECT with an unknown protocol name or level.' },
  'mqtt.bad-property': { severity: 'error', text: 'An MQTT 5 property section cannot be parsed.' },
  'mqtt.property-not-allowed': { severity: 'warning', text: 'An MQTT 5 property appears in a packet type that may not carry it.' },
  'mqtt.bad-utf8': { severity: 'error', text: 'A topic name is not valid UTF-8 or contains U+0000.' },
  'mqtt.malformed': { severity: 'error', text: 'The packet does not follow the MQTT grammar of its type (a field runs past the packet, bytes are left over, or an MQTT 5 length inside it is longer than its value needs).' },
  'mqtt.overlong-length': { severity: 'warning', text: 'An MQTT 5 packet\'s Remaining Length is written in more bytes than its value needs, which MQTT 5 forbids (MQTT-1.5.5-1); Mosquitto accepts it, a stricter broker may close the connection.' },
  'mqtt.unknown-topic-alias': { severity: 'warning', text: 'A PUBLISH uses a topic alias never set in that direction.' },
  'mqtt.version-inferred': { severity: 'note', text: 'No CONNECT was captured: the protocol version was inferred from the packets.' },
  'mqtt.connect-refused': { severity: 'warning', text: 'The broker refused the connection (CONNACK return/reason code).' },
  'mqtt.unanswered': { severity: 'warning', text: 'A request never got its response before the capture or the connection ended.' },
  'mqtt.keepalive-exceeded': { severity: 'warning', text: 'The client was silent longer than 1.5 times its keep-alive.' },
  'mqtt.pending-cap': { severity: 'warning', text: 'Too many requests awaiting a response on one connection; the newest is not tracked.' },
  'mqtt.websocket-malformed': { severity: 'error', text: 'A WebSocket connection carried bytes that are not WebSocket frames.' },
  'mqtt.tls-malformed': { severity: 'warning', text: 'A TLS connection carried bytes that are not TLS records; they are skipped up to the next record boundary.' },
  'mqtt.tls': { severity: 'note', text: 'MQTT over TLS without a key log (--keylog): the contents are encrypted and not dissected.' },
  // TLS decryption (src/tls, docs/tls.md)
  'tls.handshake': { severity: 'note', text: 'A TLS handshake completed: version, cipher suite, SNI, ALPN, certificate, handshake time, whether it was decrypted.' },
  'tls.no-secret': { severity: 'warning', text: 'The key log has no secret (or not all secrets) for this TLS session\'s client random: its records stay encrypted.' },
  'tls.handshake-not-seen': { severity: 'note', text: 'The TLS connection was captured after its handshake: without its Client Hello it cannot be decrypted.' },
  'tls.decrypt-failed': { severity: 'error', text: 'A TLS record failed authentication, or a CBC record its MAC or padding check (wrong secret in the key log, or a damaged record); that direction stays encrypted from there.' },
  'tls.record-truncated': { severity: 'warning', text: 'TLS records were not captured whole (snaplen or lost segments) and could not be decrypted.' },
  'tls.unsupported-cipher': { severity: 'note', text: 'The negotiated cipher suite is not one mqtt-pcap decrypts (it decrypts AES-GCM, AES-CCM, ChaCha20-Poly1305, and AES or 3DES CBC with an HMAC).' },
  'tls.handshake-failed': { severity: 'error', text: 'A fatal TLS alert ended the handshake (version or cipher suite mismatch, certificate refused...).' },
  'tls.legacy-version': { severity: 'warning', text: 'The TLS session negotiated a version older than TLS 1.2.' },
  'tls.certificate-expiring': { severity: 'warning', text: 'The server certificate expires within 30 days of the capture.' },
  'tls.certificate-expired': { severity: 'error', text: 'The server certificate was expired (or not yet valid) at the time of the capture.' },
  'tls.early-data': { severity: 'note', text: 'TLS 1.3 0-RTT early data was sent; it is not decrypted.' },
  // diagnoses (src/diagnosis; docs/diagnoses.md): what went wrong, in plain words, with the frames that prove it
  'diag.broker-unreachable': { severity: 'error', text: 'Connections to an MQTT port were refused (RST) or never answered (SYNs unanswered), or the address was never found on the network (ARP unanswered).' },
  'diag.broker-stopped': { severity: 'error', text: 'The broker closed every open connection at once and then refused new ones: it stopped.' },
  'diag.broker-restarted': { severity: 'warning', text: 'The broker closed every open connection at once and later accepted sessions again: it was restarted.' },
  'diag.broker-slow': { severity: 'warning', text: 'The broker answered requests (CONNECT, PUBLISH, PINGREQ...) more than a second late: it stalled.' },
  'diag.connack-refused': { severity: 'error', text: 'The broker refused a CONNECT in its CONNACK (return/reason code in words).' },
  'diag.password-guessing': { severity: 'warning', text: 'One host was refused for its user name or password many times in a row, fast: a password being guessed (brute force).' },
  'diag.port-scan': { severity: 'note', text: 'One host probed many TCP ports of another (SYNs, no data): a port scan, not a client with a wrong port.' },
  'diag.silent-connection': { severity: 'warning', text: 'Connections to an MQTT port on which the client sent nothing at all until the broker closed them (its timeout): a connection flood, or a program waiting for the server to speak first.' },
  'diag.no-connect': { severity: 'error', text: 'A client began its connection with something other than CONNECT (a PUBLISH, or bytes that are not MQTT) and the broker closed it.' },
  'diag.connection-limit': { severity: 'error', text: 'The broker accepted connections and closed them at once, before any CONNECT, while others stayed open: its connection limit.' },
  'diag.connect-unanswered': { severity: 'error', text: 'A CONNECT got no CONNACK before the connection closed.' },
  'diag.topic-mismatch': { severity: 'warning', text: 'A subscription matched no topic published in the capture while a similar topic was published.' },
  'diag.published-to-nobody': { severity: 'warning', text: 'PUBLISH messages the broker forwarded to no subscriber seen in the capture.' },
  'diag.too-large-for-subscriber': { severity: 'warning', text: 'Messages the broker did not deliver to an MQTT 5 subscriber: larger than the Maximum Packet Size it set in its CONNECT.' },
  'diag.subscribed-too-late': { severity: 'warning', text: 'A subscription arrived after the messages it was meant to receive (none retained).' },
  'diag.keepalive-dropped': { severity: 'warning', text: 'A client sent nothing for 1.5 times its keep-alive; the broker dropped it (or should have by the end of the capture).' },
  'diag.client-id-takeover': { severity: 'warning', text: 'A second CONNECT with the same client id made the broker close the first connection.' },
  'diag.qos-unacknowledged': { severity: 'warning', text: 'QoS 1/2 PUBLISH messages were never acknowledged.' },
  'diag.qos-redelivered': { severity: 'note', text: 'PUBLISH messages were sent again with DUP set (an earlier delivery was not acknowledged).' },
  'diag.packet-id-reused': { severity: 'warning', text: 'A packet identifier was reused while a QoS 1/2 message with it was still in flight.' },
  'diag.publish-refused': { severity: 'error', text: 'The broker refused PUBLISH messages in its PUBACK/PUBREC (MQTT 5 reason code 0x80 or more, e.g. 0x87 not authorized).' },
  'diag.protocol-violation': { severity: 'error', text: 'The broker closed a connection right after a client packet that breaks the MQTT protocol (a wildcard in a PUBLISH topic, packet identifier 0, a second CONNECT, a malformed packet).' },
  'diag.malformed-packet': { severity: 'warning', text: 'MQTT packets that break the format of their type, on which the broker did not close the connection (or that the broker sent).' },
  'diag.subscription-refused': { severity: 'error', text: 'The broker refused a subscription (SUBACK 0x80 or an MQTT 5 error reason).' },
  'diag.unsubscribe-unmatched': { severity: 'warning', text: 'An UNSUBSCRIBE removed nothing: the broker had no subscription with that exact filter (MQTT 5: UNSUBACK 0x11; MQTT 3.1.1: a clean session that had not subscribed to it).' },
  'diag.subscription-downgraded': { severity: 'note', text: 'The broker granted a lower QoS than the subscription asked for.' },
  'diag.subscriber-quit-on-payload': { severity: 'warning', text: 'A subscriber closed its connection right after receiving a payload that is not UTF-8 text: its program died on it.' },
  'diag.forwarding-includes-rtt': { severity: 'note', text: 'The broker forwarding delays include the network round trip between the capture point and the broker: the capture was made away from it.' },
  'diag.slow-handshake': { severity: 'note', text: 'A client resent its SYN although the first one was answered: the round trip to the broker is longer than its SYN retransmission timeout (1 s), nothing was lost.' },
  'diag.client-sent-nothing': { severity: 'warning', text: 'A client the broker accepted closed its connection (FIN, no DISCONNECT) having sent nothing but its CONNECT: its program stopped before its first message.' },
  'diag.tcp-retransmitted-data': { severity: 'warning', text: 'MQTT data was retransmitted by TCP, delaying it.' },
  'diag.tcp-zero-window': { severity: 'warning', text: 'A receiver advertised a zero TCP window: it read too slowly.' },
  'diag.tcp-reset': { severity: 'warning', text: 'An MQTT connection was reset (RST) in the middle of its session.' },
  'diag.harmless-teardown-retransmission': { severity: 'note', text: 'A FIN retransmitted while the connection closed: harmless.' },
  'diag.name-not-resolved': { severity: 'error', text: 'A client asked DNS for a name (the broker\'s?) and got no address, and opened no MQTT connection.' },
  'diag.no-mqtt': { severity: 'error', text: 'The capture holds no MQTT at all: wrong interface or filter.' },
  'diag.one-direction': { severity: 'warning', text: 'Only one direction of an MQTT connection was captured.' },
  'diag.capture-started-late': { severity: 'note', text: 'The capture started after MQTT connections were opened (no handshake or CONNECT).' },
  'diag.snaplen-cut': { severity: 'note', text: 'Frames were cut by the snapshot length: payloads are incomplete.' },
  'diag.duplicate-frames': { severity: 'note', text: 'Every packet was captured twice (tcpdump -i any on a bridge).' },
  'diag.nonstandard-port': { severity: 'note', text: 'MQTT on a port Wireshark does not decode as MQTT by default (needs Decode As).' },
  'diag.mqtt-over-websocket': { severity: 'note', text: 'MQTT carried over WebSocket.' },
  'diag.mqtt-over-tls': { severity: 'note', text: 'MQTT carried over TLS: the messages are encrypted.' },
  'diag.tls-handshake-failed': { severity: 'error', text: 'A TLS handshake with the broker ended in a fatal alert (a client certificate missing, a CA not trusted, no TLS version in common...): who sent it and why, without the key log.' },
  'diag.tls-not-decrypted': { severity: 'warning', text: 'The key log given has no secret for TLS sessions of MQTT: their messages stay encrypted.' },
} as const satisfies Record<string, { severity: Severity; text: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

/** Whether `code` is one of the finding codes (FINDING_CODES). */
export function isFindingCode(code: string): code is FindingCode {
  return Object.hasOwn(FINDING_CODES, code);
}

/** `malformed` values that are cuts of the capture, not faults of the sender: a packet cut by the snaplen or the buffering cap. */
export const CAPTURE_CUTS: ReadonlySet<string> = new Set<FindingCode>(['mqtt.incomplete', 'mqtt.packet-too-large']);

export function makeFinding(code: FindingCode, layer: FindingEvent['layer'], frame: number, time: number,
  summary: string, extra: Partial<Pick<FindingEvent, 'src' | 'dst' | 'stream' | 'detail' | 'evidence'>> = {}): FindingEvent {
  return {
    kind: 'finding', frame, time, layer, type: 'finding', code, severity: FINDING_CODES[code].severity,
    src: extra.src ?? '', dst: extra.dst ?? '', summary,
    ...(extra.stream !== undefined ? { stream: extra.stream } : {}),
    ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
    ...(extra.evidence !== undefined ? { evidence: extra.evidence } : {}),
  };
}
