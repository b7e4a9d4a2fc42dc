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
  'mqtt.malformed': { severity: 'error', text: 'mqtt-packet could not decode the packet.' },
  'mqtt.unknown-topic-alias': { severity: 'warning', text: 'A PUBLISH uses a topic alias never set in that direction.' },
  'mqtt.version-inferred': { severity: 'note', text: 'No CONNECT was captured: the protocol version was inferred from the packets.' },
  'mqtt.connect-refused': { severity: 'warning', text: 'The broker refused the connection (CONNACK return/reason code).' },
  'mqtt.unanswered': { severity: 'warning', text: 'A request never got its response before the capture or the connection ended.' },
  'mqtt.keepalive-exceeded': { severity: 'warning', text: 'The client was silent longer than 1.5 times its keep-alive.' },
  'mqtt.pending-cap': { severity: 'warning', text: 'Too many requests awaiting a response on one connection; the newest is not tracked.' },
  'mqtt.websocket-malformed': { severity: 'error', text: 'A WebSocket connection carried bytes that are not WebSocket frames.' },
  'mqtt.tls-malformed': { severity: 'warning', text: 'A connection on the MQTT-over-TLS port carried bytes that are not TLS records; the rest is not scanned.' },
  'mqtt.tls': { severity: 'note', text: 'MQTT over TLS: the contents are encrypted and not dissected.' },
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
