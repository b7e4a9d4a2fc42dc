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
  'capture.notice': { severity: 'note', text: 'Another remark of the capture reader.' },
  'budget.exceeded': { severity: 'warning', text: 'The memory budget (--memory-budget) was reached: the state named (interfaces, connections, framer-carry, reassembly, pending-requests) dropped what it would have kept, as its finding says; at the end, how many charges were refused in all.' },
  // frame decoders
  'decode.truncated': { severity: 'warning', text: 'A frame is too short for a header it announces; the layers before it are kept.' },
  'decode.bad-header-length': { severity: 'warning', text: 'An IPv4/IPv6/TCP header length field is impossible.' },
  'decode.bad-version': { severity: 'warning', text: 'An IP header has a version other than 4 or 6.' },
  'decode.bad-total-length': { severity: 'warning', text: 'An IP total/payload length is smaller than its header; the IP layer is kept, nothing above it.' },
  'decode.internal': { severity: 'error', text: 'A decoder failed unexpectedly on this frame (a bug: please report it with the capture).' },
  'decode.unsupported-link': { severity: 'warning', text: 'The interface uses a link type we do not decode; its frames are counted as undecodable.' },
  'decode.error': { severity: 'warning', text: 'Another frame decoding problem.' },
  'ip.fragment': { severity: 'note', text: 'An IP fragment: fragments are counted, not reassembled.' },
  // TCP
  'tcp.reassembly-cap': { severity: 'warning', text: 'Out-of-order data exceeded the reassembly cap; the hole before it was declared lost.' },
  'tcp.connection-evicted': { severity: 'warning', text: 'The connection table was full; the least recently active connection was closed early.' },
  'tcp.snaplen': { severity: 'note', text: 'Frames were cut by the snapshot length: MQTT packets are reported from their captured head (`malformed: "mqtt.incomplete"`), framing stays in step.' },
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
  'mqtt.malformed': { severity: 'error', text: 'The packet does not follow the MQTT grammar of its type (a field runs past the packet, or bytes are left over).' },
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
  'tls.decrypt-failed': { severity: 'error', text: 'A TLS record failed authentication (wrong secret in the key log, or a damaged record); that direction stays encrypted from there.' },
  'tls.record-truncated': { severity: 'warning', text: 'TLS records were not captured whole (snaplen or lost segments) and could not be decrypted.' },
  'tls.unsupported-cipher': { severity: 'note', text: 'The negotiated cipher suite is not one mqtt-pcap decrypts (AES-GCM and ChaCha20-Poly1305 only).' },
  'tls.handshake-failed': { severity: 'error', text: 'A fatal TLS alert ended the handshake (version or cipher suite mismatch, certificate refused...).' },
  'tls.legacy-version': { severity: 'warning', text: 'The TLS session negotiated a version older than TLS 1.2.' },
  'tls.certificate-expiring': { severity: 'warning', text: 'The server certificate expires within 30 days of the capture.' },
  'tls.certificate-expired': { severity: 'error', text: 'The server certificate was expired (or not yet valid) at the time of the capture.' },
  'tls.early-data': { severity: 'note', text: 'TLS 1.3 0-RTT early data was sent; it is not decrypted.' },
  // diagnoses (src/diagnosis; docs/diagnoses.md): what went wrong, in plain words, with the frames that prove it
  'diag.broker-unreachable': { severity: 'error', text: 'Connections to an MQTT port were refused (RST) or never answered (SYNs unanswered).' },
  'diag.broker-stopped': { severity: 'error', text: 'The broker closed every open connection at once and then refused new ones: it stopped.' },
  'diag.broker-restarted': { severity: 'warning', text: 'The broker closed every open connection at once and later accepted sessions again: it was restarted.' },
  'diag.connack-refused': { severity: 'error', text: 'The broker refused a CONNECT in its CONNACK (return/reason code in words).' },
  'diag.no-connect': { severity: 'error', text: 'A client began its connection with something other than CONNECT (a PUBLISH, or bytes that are not MQTT) and the broker closed it.' },
  'diag.connect-unanswered': { severity: 'error', text: 'A CONNECT got no CONNACK before the connection closed.' },
  'diag.topic-mismatch': { severity: 'warning', text: 'A subscription matched no topic published in the capture while a similar topic was published.' },
  'diag.published-to-nobody': { severity: 'warning', text: 'PUBLISH messages the broker forwarded to no subscriber seen in the capture.' },
  'diag.subscribed-too-late': { severity: 'warning', text: 'A subscription arrived after the messages it was meant to receive (none retained).' },
  'diag.keepalive-dropped': { severity: 'warning', text: 'A client sent nothing for 1.5 times its keep-alive; the broker dropped it (or should have by the end of the capture).' },
  'diag.client-id-takeover': { severity: 'warning', text: 'A second CONNECT with the same client id made the broker close the first connection.' },
  'diag.qos-unacknowledged': { severity: 'warning', text: 'QoS 1/2 PUBLISH messages were never acknowledged.' },
  'diag.qos-redelivered': { severity: 'note', text: 'PUBLISH messages were sent again with DUP set (an earlier delivery was not acknowledged).' },
  'diag.packet-id-reused': { severity: 'warning', text: 'A packet identifier was reused while a QoS 1/2 message with it was still in flight.' },
  'diag.subscription-refused': { severity: 'error', text: 'The broker refused a subscription (SUBACK 0x80 or an MQTT 5 error reason).' },
  'diag.subscription-downgraded': { severity: 'note', text: 'The broker granted a lower QoS than the subscription asked for.' },
  'diag.tcp-retransmitted-data': { severity: 'warning', text: 'MQTT data was retransmitted by TCP, delaying it.' },
  'diag.tcp-zero-window': { severity: 'warning', text: 'A receiver advertised a zero TCP window: it read too slowly.' },
  'diag.tcp-reset': { severity: 'warning', text: 'An MQTT connection was reset (RST) in the middle of its session.' },
  'diag.harmless-teardown-retransmission': { severity: 'note', text: 'A FIN retransmitted while the connection closed: harmless.' },
  'diag.no-mqtt': { severity: 'error', text: 'The capture holds no MQTT at all: wrong interface or filter.' },
  'diag.one-direction': { severity: 'warning', text: 'Only one direction of an MQTT connection was captured.' },
  'diag.capture-started-late': { severity: 'note', text: 'The capture started after MQTT connections were opened (no handshake or CONNECT).' },
  'diag.snaplen-cut': { severity: 'note', text: 'Frames were cut by the snapshot length: payloads are incomplete.' },
  'diag.duplicate-frames': { severity: 'note', text: 'Every packet was captured twice (tcpdump -i any on a bridge).' },
  'diag.nonstandard-port': { severity: 'note', text: 'MQTT on a port Wireshark does not decode as MQTT by default (needs Decode As).' },
  'diag.mqtt-over-websocket': { severity: 'note', text: 'MQTT carried over WebSocket.' },
  'diag.mqtt-over-tls': { severity: 'note', text: 'MQTT carried over TLS: the messages are encrypted.' },
  'diag.tls-not-decrypted': { severity: 'warning', text: 'The key log given has no secret for TLS sessions of MQTT: their messages stay encrypted.' },
} as const satisfies Record<string, { severity: Severity; text: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

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
