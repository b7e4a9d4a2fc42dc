/**
 * diag.no-connect: clients whose connection to a broker began with something other than CONNECT (a PUBLISH, or
 * bytes that are no MQTT at all, such as an HTTP request or a TLS ClientHello on 1883), which the broker closed or
 * reset without a word
 * (MQTT-3.1.0-1: the first packet must be CONNECT). Bytes that never made a whole MQTT packet before the broker closed
 * (random bytes whose first byte announced a longer packet) count as such a client too: Wireshark shows no MQTT there. Works from the connection book at the end of the capture, grouped
 * per broker; the connections it explains are no diag.tcp-reset. Connections captured after their start (no SYN)
 * are not judged: their CONNECT may simply have come before the capture.
 */
import type { FindingEvent } from '../model/events.js';
import { PACKET_LABELS } from '../model/names.js';
import { handshakeOf, isMqtt, isTlsRecordHeader, portOf, sentBy, sessionEndOf, tlsServersOf, type ConnectionRecord } from './book.js';
import { KNOWN_MQTT_PORTS, type Detector, type FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** The client's first packet in Wireshark's Info words: "Publish Message [edge/sneaky]", "Publish Ack (id=21536)". */
export function firstPacketWords(first: NonNullable<ConnectionRecord['firstClientPacket']>): string {
  const label = PACKET_LABELS[first.type];
  const id = first.packetId !== undefined ? ` (id=${first.packetId})` : '';
  return first.type === 'PUBLISH' && first.topic !== undefined ? `${label}${id} [${first.topic}]` : `${label}${id}`;
}

/**
 * HTTP request methods as an MQTT reader sees their first four bytes: the first byte is the packet type (and flags),
 * the second the remaining length, the third and fourth the packet id ("GET " = 0x47 0x45 0x54 0x20: a Publish Ack
 * of remaining length 69 and id 0x5420). Keyed "type|remaining length|packet id".
 */
const HTTP_METHODS: ReadonlyMap<string, string> = new Map(
  ['GET ', 'HEAD', 'POST', 'PUT ', 'DELETE', 'OPTIONS', 'PATCH'].map((m) => {
    const b = Buffer.from(m, 'latin1');
    return [`${b[0]! >> 4}|${b[1]!}|${b.readUInt16BE(2)}`, m.trim()] as const;
  }),
);

/** The HTTP method whose first bytes an MQTT reader took for this packet, or '' when it is none. */
export function httpMethodOf(first: NonNullable<ConnectionRecord['firstClientPacket']>): string {
  if (first.packetId === undefined) return '';
  const type = Object.keys(PACKET_LABELS).indexOf(first.type) + 1;
  return HTTP_METHODS.get(`${type}|${first.length}|${first.packetId}`) ?? '';
}

/** The usual causes of what was seen: a TLS client, an HTTP request, other bytes that are no MQTT, MQTT packets before CONNECT. */
function causesOf(http: string[], tls: number[], malformed: number[]): string[] {
  const causes: string[] = [];
  if (tls.some((t) => t === 1)) causes.push('tls-client');
  if (http.some((m) => m !== '')) causes.push('http-client');
  if (malformed.some((m, i) => m === 1 && http[i] === '' && tls[i] === 0)) causes.push('not-mqtt-client');
  if (malformed.some((m) => m === 0)) causes.push('skipped-connect');
  if (causes.length === 1 && causes[0] === 'skipped-connect') causes.push('not-mqtt-client');
  return causes;
}

/** The client's first packet, or (bytes that never made an MQTT packet) its first data segment, as a packet of no type. */
type FirstSent = { frame: number; time: number; packet?: NonNullable<ConnectionRecord['firstClientPacket']>; bytes: number };

function firstSent(r: ConnectionRecord): FirstSent | undefined {
  if (r.firstClientPacket !== undefined) return { frame: r.firstClientPacket.frame, time: r.firstClientPacket.time, packet: r.firstClientPacket, bytes: 0 };
  if (r.firstClientData === undefined || r.firstClientDataTime === undefined || r.mqttPackets > 0 || r.firstClientDataCut === true) return undefined;
  return { frame: r.firstClientData, time: r.firstClientDataTime, bytes: r.end?.bytesToServer ?? 0 };
}

/** How the broker ended a connection that carried no MQTT session: its first FIN or RST, before the client's. */
function brokerClose(r: ConnectionRecord): { reason: 'broker-closed' | 'reset'; closedBy: 'server'; frame: number; time: number } | undefined {
  const fin = r.fin?.from === r.server ? r.fin : undefined;
  const rst = r.rst?.from === r.server ? r.rst : undefined;
  const close = rst !== undefined && (fin === undefined || rst.frame < fin.frame) ? rst : fin;
  if (close === undefined || (r.fin?.from === r.client && r.fin.frame < close.frame)) return undefined;
  return { reason: close === rst ? 'reset' : 'broker-closed', closedBy: 'server', frame: close.frame, time: close.time };
}

export class NoConnectDetector implements Detector {
  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const byServer = new Map<string, Array<{ r: ConnectionRecord; sent: FirstSent; end: { reason: string; closedBy?: string; frame: number; time: number } }>>();
    const mqttServers = new Set([...ctx.book.all()].filter((r) => r.mqttPackets > 0).map((r) => r.server));
    const tlsPorts = new Set([8883, 8884, ...[...tlsServersOf(ctx.book.all())].map(portOf)]);
    for (const r of ctx.book.all()) {
      const sent = firstSent(r);
      if (sent === undefined || r.connect !== undefined || r.websocket || ctx.explained.has(r.stream)) continue;
      // Opened in the capture (SYN seen, handshake complete), and the broker said nothing in MQTT.
      if (!(r.synFrames.length > 0 || r.synSeen === true) || handshakeOf(r) !== 'complete' || sentBy(r, 'server').mqtt > 0) continue;
      // Bytes without a packet: only on an MQTT port (MQTT seen on that server, or a known one).
      // Not TLS (encrypted MQTT carries no packet the reader sees) nor WebSocket: plain MQTT by its port.
      if (sent.packet === undefined && (!(KNOWN_MQTT_PORTS.has(portOf(r.server)) || mqttServers.has(r.server))
        || isMqtt(r) || (r.end !== undefined && r.end.protocol !== 'mqtt') || tlsPorts.has(portOf(r.server)))) continue;
      const end = sent.packet !== undefined ? sessionEndOf(r) : brokerClose(r);
      if (end === undefined || end.closedBy !== 'server' || (end.reason !== 'broker-closed' && end.reason !== 'reset')) continue;
      const list = byServer.get(r.server) ?? [];
      list.push({ r, sent, end });
      byServer.set(r.server, list);
    }
    for (const [server, list] of byServer) {
      list.sort((a, b) => a.sent.frame - b.sent.frame);
      const frames = new FrameSet();
      for (const { r, sent, end } of list) {
        frames.add(sent.frame, sent.time).add(end.frame, end.time);
        ctx.explained.add(r.stream);
      }
      const http = list.map(({ sent }) => (sent.packet !== undefined ? httpMethodOf(sent.packet) : ''));
      const tls = list.map(({ sent }) => (sent.packet !== undefined && isTlsRecordHeader(sent.packet) ? 1 : 0));
      const noPacket = list.map(({ sent }) => (sent.packet === undefined ? 1 : 0));
      const malformed = list.map(({ sent }, i) => (sent.packet === undefined || sent.packet.malformed !== undefined || http[i] !== '' ? 1 : 0));
      const resets = list.filter(({ end }) => end.reason === 'reset').length;
      const first = list[0]!.r;
      emit(makeDiagnosis({
        code: 'diag.no-connect', layer: 'mqtt', frames, time: frames.firstTime ?? list[0]!.sent.time, src: first.client, dst: server,
        ...(list.length === 1 ? { stream: first.stream } : {}),
        facts: {
          server, count: list.length, clients: list.map(({ r }) => r.client),
          firstPackets: list.map(({ sent }) => (sent.packet !== undefined ? firstPacketWords(sent.packet) : `${sent.bytes} bytes`)), malformed, http,
          ...(tls.some((t) => t === 1) ? { tls } : {}), ...(noPacket.some((n) => n === 1) ? { noPacket } : {}),
          closedWith: resets === list.length ? 'reset' : resets === 0 ? 'close' : 'mixed',
        },
        causes: causesOf(http, tls, malformed),
        checks: tls.every((t) => t === 1) ? ['tls-port', 'which-program'] : tls.some((t) => t === 1) ? ['tls-port', 'connect-first', 'which-program'] : ['connect-first', 'which-program'],
      }));
    }
  }
}
