/**
 * A timeline row's description, built from the event's fields the same way in every language: which fact goes where
 * is decided here once; the words come from the language's EventWords (en.ts, id.ts). It computes no facts and
 * holds no words of its own beyond Wireshark's field names (Seq, Ack, Len, QoS, id) and punctuation.
 */
import type { ArpEvent, FindingEvent, MqttEvent, Side, TcpEvent, TimelineEvent } from '../model/events.js';
import { code, type Inline } from './document.js';
import { clearsRetained, legacyText } from '../mqtt/payload.js';
import { emptyClientIdRule, type EmptyClientIdRule } from '../mqtt/empty-client-id.js';

/** What a language says in a timeline row. */
export interface EventWords {
  ms(value: number): string;
  /** The explanation of a finding, after its code and ": ". */
  finding(e: FindingEvent): Inline[];
  connectionOpened(stream: number): string;
  connectionEnded(stream: number): string;
  /** A connection's or a session's end reason (ConnectionEndReason, SessionEndReason) in words. */
  endReason(reason: string): string;
  /** ", closed by the server" after the end reason. */
  closedBy(side: Side): string;
  sessionStarted: string;
  /** An empty client id, by what the protocol lets the broker do with it (src/mqtt/empty-client-id.ts). */
  emptyClientId(rule: EmptyClientIdRule): string;
  sessionEnded: string;
  /** A session-ended with no session-started before it: its CONNECT refused (`accepted` false) or never answered. */
  sessionNeverStarted(refused: boolean): string;
  whoHas(targetIp: string, senderIp: string): string;
  isAt(senderIp: string, senderMac: string): string;
  /** The meaning of a TCP segment, after ": ". */
  tcp: { acknowledges(relAck: number): string; closes: string; reset: string };
  /** TCP analysis flags, in parentheses. */
  retransmission: string;
  duplicateAck: string;
  outOfOrder: string;
  /** What a packet of another protocol is not, in parentheses. */
  notMqtt: string;
  version(protocolVersion: number | undefined): string;
  /** The unit of a keep-alive. */
  secondsUnit: string;
  connack(codeValue: number, protocolVersion: number | undefined): string;
  binaryPayload(length: number): string;
  /** A retained PUBLISH with an empty payload (src/mqtt/summary.ts clearsRetained). */
  clearsRetained: string;
  forwardedFrom(frame: number, delayMs: number | undefined): string;
  /** A broker's PUBLISH that is the Will of `clientId`, set by its CONNECT in `frame` (published on the CONNECT `takeoverFrame` that took its session over). */
  willOf(clientId: string, frame: number, delayMs: number | undefined, takeoverFrame: number | undefined): string;
  grants(qos: number[]): string;
  afterFrame(latencyMs: number, frame: number): string;
  malformed: string;
}

/** A timeline row's description, from the event's fields. */
export function describeEvent(e: TimelineEvent, w: EventWords): Inline[] {
  if (e.kind === 'finding') return [code(e.code), ': ', ...w.finding(e)];
  if (e.kind === 'lifecycle') {
    switch (e.type) {
      case 'connection-opened': return [w.connectionOpened(e.stream)];
      case 'connection-ended': return [`${w.connectionEnded(e.stream)} (${w.endReason(e.reason)}${e.closedBy !== undefined ? w.closedBy(e.closedBy) : ''})`];
      case 'session-started': return e.clientId !== undefined ? [`${w.sessionStarted}, client id `, clientId(e.clientId, e.protocolVersion, e.cleanSession, w)] : [w.sessionStarted];
      case 'session-ended': return [`${e.notStarted === undefined ? w.sessionEnded : w.sessionNeverStarted(e.notStarted === 'refused')} (${w.endReason(e.reason)})`];
    }
  }
  switch (e.layer) {
    case 'arp': {
      const a = e as ArpEvent;
      return a.type === 'who-has' ? [w.whoHas(a.targetIp, a.senderIp)] : a.type === 'is-at' ? [w.isAt(a.senderIp, a.senderMac)] : ['ARP'];
    }
    case 'tcp': return [describeTcp(e as TcpEvent, w)];
    case 'mqtt': return describeMqtt(e as MqttEvent, w);
    case 'tls': return [`TLS ${e.type}`];
    default: return [`${e.type} (${w.notMqtt})`];
  }
}

function describeTcp(t: TcpEvent, w: EventWords): string {
  let text = `[${t.flags.join(', ')}] Seq=${t.relSeq}${t.flags.includes('ACK') ? ` Ack=${t.relAck}` : ''} Len=${t.len}`;
  if (t.type === 'SYN') text += ': handshake 1/3';
  else if (t.type === 'SYN-ACK') text += ': handshake 2/3';
  else if (t.handshakeRttMs !== undefined) text += `: handshake 3/3, RTT ${w.ms(t.handshakeRttMs)}`;
  else if (t.type === 'ACK') text += `: ${w.tcp.acknowledges(t.relAck)}`;
  else if (t.type === 'FIN') text += `: ${w.tcp.closes}`;
  else if (t.type === 'RST') text += `: ${w.tcp.reset}`;
  if (t.retransmission === true) text += ` (${w.retransmission})`;
  if (t.duplicateAck === true) text += ` (${w.duplicateAck})`;
  if (t.outOfOrder === true) text += ` (${w.outOfOrder})`;
  return text;
}

/** A client id as code, or an empty one said in words. */
function clientId(id: string, protocolVersion: number | undefined, cleanSession: boolean | undefined, w: EventWords): Inline {
  return id !== '' ? code(id) : w.emptyClientId(emptyClientIdRule(protocolVersion, cleanSession));
}

function describeMqtt(m: MqttEvent, w: EventWords): Inline[] {
  const parts: Inline[] = [m.type];
  switch (m.type) {
    case 'CONNECT': parts.push('client id', clientId(m.clientId ?? '', m.protocolVersion, m.cleanSession, w), `(${w.version(m.protocolVersion)}, keep-alive ${m.keepAlive ?? '?'} ${w.secondsUnit})`); break;
    case 'CONNACK': parts.push(w.connack(m.returnCode ?? m.reasonCode ?? 0, m.protocolVersion)); break;
    case 'PUBLISH': {
      parts.push(code(m.topic ?? ''), `QoS ${m.qos ?? 0}`);
      if (clearsRetained(m)) parts.push(w.clearsRetained);
      else if (m.payload !== undefined) {
        const legacy = legacyText(m.payload);
        parts.push(legacy !== undefined ? code([...legacy.text].slice(0, 40).join('')) : m.payload.format === 'binary' ? w.binaryPayload(m.payload.length) : code([...(m.payload.text ?? '')].slice(0, 40).join('')));
      }
      if (m.sourceFrame !== undefined) {
        parts.push(m.willOf !== undefined ? w.willOf(m.willOf, m.sourceFrame, m.forwardDelayMs, m.willTakeoverFrame) : w.forwardedFrom(m.sourceFrame, m.forwardDelayMs));
      }
      break;
    }
    case 'SUBSCRIBE': (m.subscriptions ?? []).forEach((s, i, all) => parts.push(code(s.topic), `QoS ${s.qos}${i < all.length - 1 ? ',' : ''}`)); break;
    case 'SUBACK': parts.push(w.grants(m.grantedQos ?? m.reasonCodes ?? [])); break;
    default: break;
  }
  if (m.packetId !== undefined) parts.push(`(id ${m.packetId})`);
  if (m.latencyMs !== undefined && m.requestFrame !== undefined) parts.push(w.afterFrame(m.latencyMs, m.requestFrame));
  if (m.malformed !== undefined) parts.push(`${w.malformed}: ${m.malformed}`);
  return parts.flatMap((p, i) => (i === 0 ? [p] : [' ', p]));
}
