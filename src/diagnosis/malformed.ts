/**
 * diag.malformed-packet: MQTT packets that break the format of their type (QoS 3, reserved flags, a reserved packet
 * type (a finding: no packet event is made of it), MQTT 5 properties that cannot be read, a topic that is not UTF-8, a field running past the packet) and that no
 * other diagnosis explains. A broker that receives one should close the connection (MQTT-4.8.0-1); when it did so
 * right after the packet, diag.protocol-violation says it (and diag.subscription-refused, diag.connect-unanswered or
 * diag.no-connect for a SUBSCRIBE, a CONNECT or a connection's first bytes). What is left is said here, grouped per
 * sender, packet type and malformation: a client's malformed packet the broker did not close the connection on (the
 * client closed first, or the broker let it pass), a malformed CONNECT the broker accepted, a packet of a reserved
 * type (closed on or not: it is no packet event, so no other diagnosis reads it), and any malformed packet the
 * broker sent.
 *
 * Not judged: packets cut by the capture (snaplen, the buffering cap: diag.snaplen-cut), a TLS record read as MQTT
 * (a plain client on a TLS port), refusals (a reason code of 0x80 or more, malformed or not: the diagnosis of what
 * was refused words them), streams whose ending another diagnosis explains, streams that carried no well-formed
 * MQTT packet at all (they may not be MQTT), and a CONNECT the broker refused (diag.connack-refused) or never answered.
 * State: up to MAX_KEPT malformed packets, and the streams that carried a well-formed packet (at most MAX_STREAMS).
 */
import type { FindingEvent, MqttEvent, Side, TimelineEvent } from '../model/events.js';
import { CAPTURE_CUTS } from '../model/findings.js';
import { clientName, closedRightAfter, hostOf, isTlsRecordHeader, sideOf } from './book.js';
import type { Detector, DetectorReads, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

const MAX_STREAMS = 100_000;
/** Malformed packets kept for judging at the end; past it they are counted into the group of the last one kept. */
const MAX_KEPT = 10_000;


interface MalformedPacket {
  stream: number;
  frame: number;
  time: number;
  /** The packet type's name, or "type 0" for a reserved type (AUTH before MQTT 5 is "AUTH"). */
  type: string;
  malformed: string;
  /** Its sender's "ip:port" (client or broker: the connection book tells at the end). */
  src: string;
}

interface Group {
  first: MalformedPacket;
  sender: Side;
  /** The client by its id and host (a client sent it), or the client it was sent to with its port (the broker sent it). */
  client: string;
  server: string;
  /** The broker closed the connection right after it (a client's packet of a reserved type). */
  closed: boolean;
  frames: FrameSet;
  streams: Set<number>;
}

export class MalformedPacketDetector implements Detector {
  private readonly kept: MalformedPacket[] = [];
  /** Malformed packets past MAX_KEPT: not judged one by one. */
  private overflow = 0;
  /** Streams that carried at least one well-formed MQTT packet. */
  private readonly mqttStreams = new Set<number>();

  readonly reads: readonly DetectorReads[] = ['other'];

  /** The reader's finding for a packet of a reserved type, of which no packet event is made. */
  event(e: TimelineEvent): void {
    if (e.kind !== 'finding' || e.code !== 'mqtt.unknown-type' || e.stream === undefined) return;
    const msgtype = e.detail?.['msgtype'];
    this.keep({ stream: e.stream, frame: e.frame, time: e.time, type: msgtype === 15 ? 'AUTH' : `type ${String(msgtype ?? 0)}`, malformed: e.code, src: e.src });
  }

  mqtt(e: MqttEvent): void {
    if (e.malformed === undefined) {
      if (this.mqttStreams.size < MAX_STREAMS) this.mqttStreams.add(e.stream);
      return;
    }
    // A refusal (reason code 0x80 or more) is the broker's answer, worded by the diagnosis of what it refused (a
    // PUBACK 0x95 is diag.publish-refused's, though MQTT 5 allows 0x95 in a DISCONNECT only).
    if (CAPTURE_CUTS.has(e.malformed) || isTlsRecordHeader(e) || (e.reasonCode ?? 0) >= 0x80) return;
    this.keep({ stream: e.stream, frame: e.frame, time: e.time, type: e.type, malformed: e.malformed, src: e.src });
  }

  private keep(p: MalformedPacket): void {
    if (this.kept.length >= MAX_KEPT) this.overflow++;
    else this.kept.push(p);
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, Group>();
    for (const p of this.kept) {
      if (ctx.explained.has(p.stream) || !this.mqttStreams.has(p.stream)) continue;
      const r = ctx.book.get(p.stream);
      if (r === undefined) continue;
      const sender = sideOf(r, p.src);
      // A packet of a reserved type is no packet event, so no other diagnosis reads it: said here, closed on or not.
      const reserved = p.malformed === 'mqtt.unknown-type';
      const closed = sender === 'client' && closedRightAfter(r, p.time);
      if (sender === 'client') {
        // The broker closed right after it: another diagnosis says why (a packet that breaks the protocol, an invalid
        // filter, a CONNECT it could not read).
        if (closed && !reserved) continue;
        if (p.type === 'CONNECT' && r.connack?.accepted !== true) continue;
      }
      const client = sender === 'client' ? clientName(r).replace(/:\d+$/, '') : clientName(r);
      const key = `${sender}|${sender === 'client' ? client : r.server}|${p.type}|${p.malformed}|${closed}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { first: p, sender, client, server: r.server, closed, frames: new FrameSet(), streams: new Set() };
        groups.set(key, g);
      }
      g.frames.add(p.frame, p.time);
      g.streams.add(p.stream);
    }
    for (const g of groups.values()) {
      const count = g.frames.evidence().count;
      emit(makeDiagnosis({
        code: 'diag.malformed-packet', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? g.first.time, stream: g.first.stream,
        ...(g.sender === 'client' ? { dst: g.server } : { src: g.server }),
        facts: {
          sender: g.sender === 'client' ? 'client' : 'broker',
          client: g.client,
          server: g.server, broker: hostOf(g.server), packet: g.first.type, malformed: g.first.malformed, count,
          connections: g.streams.size, firstFrame: g.first.frame, brokerClosed: g.closed,
          ...(this.overflow > 0 ? { notJudged: this.overflow } : {}),
        },
        causes: g.sender === 'client' ? ['unchecked-client'] : ['broker-bug'],
        checks: g.sender === 'client' ? ['malformed-bytes'] : ['broker-version'],
      }));
    }
  }
}
