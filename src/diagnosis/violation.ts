/**
 * diag.protocol-violation: the broker ended a client's connection right after a client packet that breaks the MQTT
 * protocol, and without answering it: a PUBLISH whose topic name holds a wildcard ('+', '#': MQTT-3.3.2-2) or is
 * empty, an MQTT 5 PUBLISH with an empty topic name and a Topic Alias never mapped on that connection (MQTT-3.3.2-8:
 * aliases belong to one network connection), a packet identifier of 0 (MQTT-2.3.1-1), a second CONNECT on one connection (MQTT-3.1.0-2), or a packet the
 * reader found malformed (QoS 3, reserved flags, a broken field). Brokers answer these by closing the connection
 * (MQTT 3.1.1) or with DISCONNECT 0x81/0x82 (MQTT 5); the client sees only a dropped connection.
 *
 * Judged only where the broker ended the session right after the packet (closedRightAfter: within 1 s), with no
 * broker packet between (a broker that answered was not closing on it); or where its FIN or RST came within 1 s
 * after the packet and before the client's DISCONNECT that followed it (the two crossed), or, MQTT 5, the broker's
 * DISCONNECT came after that DISCONNECT (sent in the same write: the broker never took it), or the DISCONNECT came in
 * the packet's own segment and the broker reset the connection after it, without a FIN (it closed with the DISCONNECT
 * unread). Not judged here: a SUBSCRIBE with an invalid filter
 * (diag.subscription-refused), a first packet that is not CONNECT (diag.no-connect), a malformed CONNECT
 * (diag.connect-unanswered), a PUBLISH refused with an MQTT 5 publish reason code (diag.publish-refused). The streams
 * it explains are added to `explained`. State: a record per stream whose last client packet breaks a rule, and the
 * streams that sent a CONNECT (at most MAX_STREAMS each).
 */
import type { MachineBook } from '../model/machine.js';
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { CAPTURE_CUTS } from '../model/findings.js';
import { reasonName } from '../model/names.js';
import { CLOSED_ON_PACKET_SECONDS, clientName, closedRightAfter, isTlsRecordHeader, machineOfLabel, sessionEndOf, sideOf, type ConnectionRecord } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';
import { firstPacketWords } from './no-connect.js';
import { PUBLISH_DISCONNECT_CODES } from './qos.js';

const MAX_STREAMS = 100_000;

/** The rule a client packet breaks. */
export type ViolationRule = 'wildcard-topic' | 'empty-topic' | 'unknown-topic-alias' | 'zero-packet-id' | 'second-connect' | 'malformed';


/** Packet types that carry a packet identifier (PUBLISH only at QoS 1 and 2). */
const WITH_PACKET_ID: ReadonlySet<string> = new Set(['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'UNSUBSCRIBE']);

/** The rule `e` (sent by the client) breaks, or undefined; `connected` says a CONNECT came before it on the stream. */
export function violationOf(e: MqttEvent, connected: boolean): ViolationRule | undefined {
  if (e.malformed !== undefined) {
    if (CAPTURE_CUTS.has(e.malformed) || e.type === 'CONNECT' || e.type === 'SUBSCRIBE' || isTlsRecordHeader(e)) return undefined;
    return 'malformed';
  }
  switch (e.type) {
    case 'CONNECT': return connected ? 'second-connect' : undefined;
    case 'PUBLISH':
      if (e.topic !== undefined && (e.topic.includes('+') || e.topic.includes('#'))) return 'wildcard-topic';
      if (e.topic === '' && e.topicAlias === undefined) return 'empty-topic';
      // The session tracker gives an aliased PUBLISH the topic its alias stands for on this connection: still empty,
      // the alias was never mapped here.
      if (e.topic === '' && e.topicAlias !== undefined) return 'unknown-topic-alias';
      if ((e.qos ?? 0) > 0 && e.packetId === 0) return 'zero-packet-id';
      return undefined;
    default:
      return WITH_PACKET_ID.has(e.type) && e.packetId === 0 ? 'zero-packet-id' : undefined;
  }
}

interface LastClientPacket {
  frame: number;
  time: number;
  type: MqttEvent['type'];
  length: number;
  rule: ViolationRule;
  topic?: string;
  alias?: number;
  packetId?: number;
  malformed?: string;
  /** The broker sent an MQTT packet after it (other than a DISCONNECT): it answered, so it did not close on it. */
  answered: boolean;
  /** An MQTT 5 DISCONNECT the broker sent after it: its reason code. */
  disconnectCode?: number;
  /**
   * The client's next packet (only a DISCONNECT is kept): the broker still closed on the packet when its FIN or RST
   * came before it (the client's DISCONNECT crossed the broker's closing).
   */
  next?: { frame: number };
}

interface Group {
  stream: number;
  client: string;
  server: string;
  rule: ViolationRule;
  words: string;
  topic?: string;
  alias?: number;
  malformed?: string;
  how: 'closed' | 'reset' | 'disconnect';
  reasonCode?: number;
  frames: FrameSet;
  time: number;
  count: number;
}

export class ViolationDetector implements Detector {
  constructor(private readonly machines: MachineBook) {}

  /** Each stream's last client packet, when it breaks a rule. */
  private readonly last = new Map<number, LastClientPacket>();
  /** Streams where the client sent a CONNECT. */
  private readonly connected = new Set<number>();

  /** Every MQTT packet type (no mqttTypes): any broker packet answers, any client packet may break a rule. */
  mqtt(e: MqttEvent): void {
    if (e.direction === 'server') {
      const last = this.last.get(e.stream);
      if (last === undefined) return;
      if (e.type === 'DISCONNECT') last.disconnectCode = e.reasonCode ?? 0;
      else last.answered = true;
      return;
    }
    // Only a CONNECT asks whether one came before it.
    const rule = violationOf(e, e.type === 'CONNECT' && this.connected.has(e.stream));
    if (e.type === 'CONNECT' && e.malformed === undefined && this.connected.size < MAX_STREAMS) this.connected.add(e.stream);
    // Only a client's last packet that breaks a rule is kept: a packet that follows it ends its case, but for a first
    // DISCONNECT, which may have crossed the broker's closing (judged at the end, when the connection's FIN is known).
    if (rule === undefined) {
      if (this.last.size === 0) return;
      const last = this.last.get(e.stream);
      if (last === undefined) return;
      if (e.type === 'DISCONNECT' && last.next === undefined) last.next = { frame: e.frame };
      else this.last.delete(e.stream);
      return;
    }
    if (!this.last.has(e.stream) && this.last.size >= MAX_STREAMS) return;
    const record: LastClientPacket = {
      frame: e.frame, time: e.time, type: e.type, length: e.length, rule, answered: false,
      ...(e.topic !== undefined ? { topic: e.topic } : {}),
      ...(rule === 'unknown-topic-alias' && e.topicAlias !== undefined ? { alias: e.topicAlias } : {}),
      ...(e.packetId !== undefined ? { packetId: e.packetId } : {}),
      ...(e.malformed !== undefined ? { malformed: e.malformed } : {}),
    };
    this.last.set(e.stream, record);
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, Group>();
    for (const [stream, p] of this.last) {
      if (p.answered || ctx.explained.has(stream)) continue;
      const r = ctx.book.get(stream);
      if (r === undefined) continue;
      // Where the broker's closing is: the session's end, or, when the client's DISCONNECT followed the packet, the
      // broker's FIN or RST before that DISCONNECT.
      // An MQTT 5 broker's DISCONNECT after the client's: the broker closed on the packet, never taking the client's
      // DISCONNECT that followed it (sent in the same write) as its goodbye.
      // A DISCONNECT in the same segment as the packet, then the broker's RST: the broker closed its socket on the
      // packet with the DISCONNECT still unread (a socket closed with bytes unread is reset), never taking it.
      const crossed = p.next !== undefined
        ? brokerClosedBetween(r, p, p.next.frame) ?? (p.disconnectCode !== undefined && closedRightAfter(r, p.time) ? sessionEndOf(r) : undefined)
          ?? (p.next.frame === p.frame ? brokerResetAfter(r, p) : undefined) : undefined;
      if (p.next !== undefined ? crossed === undefined : !closedRightAfter(r, p.time)) continue;
      const end = crossed ?? sessionEndOf(r)!;
      // A PUBLISH refused with a publish reason code is diag.publish-refused's.
      if (p.type === 'PUBLISH' && p.disconnectCode !== undefined && PUBLISH_DISCONNECT_CODES.has(p.disconnectCode)) continue;
      const how = p.disconnectCode !== undefined ? 'disconnect' : end.reason === 'reset' ? 'reset' : 'closed';
      const client = clientName(r).replace(/:\d+$/, '');
      const key = `${client}|${machineOfLabel(this.machines, r.server)}|${p.rule}|${p.type}|${p.topic ?? ''}|${how}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = {
          stream, client, server: r.server, rule: p.rule, how, words: firstPacketWords(p), frames: new FrameSet(), time: p.time, count: 0,
          ...(p.topic !== undefined ? { topic: p.topic } : {}),
          ...(p.alias !== undefined ? { alias: p.alias } : {}),
          ...(p.malformed !== undefined ? { malformed: p.malformed } : {}),
          ...(p.disconnectCode !== undefined ? { reasonCode: p.disconnectCode } : {}),
        };
        groups.set(key, g);
      }
      g.count++;
      g.frames.add(p.frame, p.time).add(end.frame);
      ctx.explained.add(stream);
    }
    for (const g of groups.values()) {
      emit(makeDiagnosis({
        code: 'diag.protocol-violation', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? g.time, stream: g.stream, dst: g.server,
        facts: {
          client: g.client, rule: g.rule, packet: g.words, how: g.how, count: g.count,
          ...(g.topic !== undefined ? { topic: g.topic } : {}),
          ...(g.alias !== undefined ? { alias: g.alias } : {}),
          ...(g.malformed !== undefined ? { malformed: g.malformed } : {}),
          ...(g.reasonCode !== undefined ? { code: `0x${g.reasonCode.toString(16).padStart(2, '0')}`, codeName: reasonName(g.reasonCode).toLowerCase() } : {}),
        },
        causes: causesOf(g.rule), checks: [...checksOf(g.rule), 'broker-log'],
      }));
    }
  }
}

/**
 * The broker's first FIN or RST on `r` after the packet `p` and before the client's frame `before`, within
 * CLOSED_ON_PACKET_SECONDS of the packet: the broker closed on it while the client was still sending.
 */
function brokerClosedBetween(r: ConnectionRecord, p: LastClientPacket, before: number): { reason: 'reset' | 'broker-closed'; frame: number } | undefined {
  const closes = [r.fin, r.rst].filter((c): c is NonNullable<typeof c> => c !== undefined && sideOf(r, c.from) === 'server'
    && c.frame > p.frame && c.frame < before && c.time - p.time <= CLOSED_ON_PACKET_SECONDS);
  const first = closes.sort((a, b) => a.frame - b.frame)[0];
  if (first === undefined) return undefined;
  return { reason: first === r.rst ? 'reset' : 'broker-closed', frame: first.frame };
}

/**
 * The broker's RST on `r` within CLOSED_ON_PACKET_SECONDS after the packet `p`, with no FIN of the broker before it: a
 * broker that reads a DISCONNECT closes with FIN; one that closes with bytes unread (the DISCONNECT after the packet)
 * makes its TCP stack send RST.
 */
function brokerResetAfter(r: ConnectionRecord, p: LastClientPacket): { reason: 'reset'; frame: number } | undefined {
  const rst = r.rst;
  if (rst === undefined || sideOf(r, rst.from) !== 'server' || rst.frame <= p.frame || rst.time - p.time > CLOSED_ON_PACKET_SECONDS) return undefined;
  if (r.fin !== undefined && sideOf(r, r.fin.from) === 'server' && r.fin.frame < rst.frame) return undefined;
  return { reason: 'reset', frame: rst.frame };
}

function causesOf(rule: ViolationRule): string[] {
  switch (rule) {
    case 'wildcard-topic': return ['publish-to-filter', 'unchecked-client'];
    case 'second-connect': return ['connect-twice'];
    case 'unknown-topic-alias': return ['alias-not-mapped', 'unchecked-client'];
    default: return ['unchecked-client'];
  }
}

function checksOf(rule: ViolationRule): string[] {
  switch (rule) {
    case 'wildcard-topic': case 'empty-topic': return ['publish-topic'];
    case 'unknown-topic-alias': return ['topic-alias-mapping'];
    case 'second-connect': return ['connect-once'];
    case 'zero-packet-id': return ['packet-ids'];
    case 'malformed': return ['malformed-bytes'];
  }
}
