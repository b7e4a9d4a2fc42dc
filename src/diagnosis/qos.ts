/**
 * QoS trouble: diag.qos-unacknowledged (QoS 1/2 PUBLISHes never acknowledged before the connection ended or within
 * UNACKED_AFTER_SECONDS of the capture's end; not a broker's delivery whose DUP redelivery to the same client id, with
 * the same packet id on its next connection, was acknowledged), diag.qos-redelivered (DUP copies), diag.packet-id-reused (an id reused
 * while its message was in flight), diag.publish-refused (an MQTT 5 PUBACK/PUBREC reason of 0x80 or more, or a
 * broker DISCONNECT with a publish's reason code, e.g. 0x95 packet too large, right after the client's PUBLISH),
 * diag.subscription-refused (a SUBACK code, or the broker closing the connection
 * on a SUBSCRIBE it never answered) and diag.subscription-downgraded (SUBACK codes).
 * Reads PUBLISH, PUBACK, PUBREC, SUBSCRIBE, SUBACK and DISCONNECT packets, and every client packet (which ends the
 * run of its stream's PUBLISHes); in-flight state is bounded by MAX_IN_FLIGHT.
 */
import type { MachineBook } from '../model/machine.js';
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { reasonName } from '../model/names.js';
import { isSysTopic } from '../mqtt/topic.js';
import { clientName, closedRightAfter, machineOfLabel, sentBy, sessionEndOf, type ConnectionBook, type ConnectionRecord } from './book.js';
import { ConnackAllowed, type NotAllowed } from './connack-allowed.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

export const MAX_IN_FLIGHT = 100_000;

/** What makes a topic filter invalid (MQTT 4.7.1), or undefined when it is valid. */
export function filterProblem(filter: string): 'empty' | 'hash-not-last' | 'partial-level' | undefined {
  if (filter === '') return 'empty';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level === '#' && i !== levels.length - 1) return 'hash-not-last';
    if ((level.includes('#') || level.includes('+')) && level !== '#' && level !== '+') return 'partial-level';
  }
  return undefined;
}
/** A PUBLISH this close to the end of an open connection's capture may just have had its ACK cut off. */
export const UNACKED_AFTER_SECONDS = 2;

/** A PUBLISH in flight (or a stream's last client PUBLISH): one shape, `topic` undefined when it had none. */
interface InFlight { frame: number; time: number; qos: number; topic: string | undefined; source: number | undefined }

/**
 * MQTT 5 DISCONNECT reason codes that refuse the PUBLISH before them: not authorized, topic name invalid, receive
 * maximum exceeded, topic alias invalid, packet too large, message rate too high, quota exceeded, payload format
 * invalid, retain not supported, QoS not supported.
 */
export const PUBLISH_DISCONNECT_CODES: ReadonlySet<number> = new Set([0x87, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x99, 0x9a, 0x9b]);

/** The usual causes of a publish refused with this reason code. */
function refusedCauses(code: number): string[] {
  switch (code) {
    case 0x87: return ['acl-denies-publish'];
    case 0x90: return ['invalid-topic'];
    case 0x95: return ['packet-too-large'];
    case 0x97: return ['quota-exceeded'];
    case 0x93: return ['receive-maximum-exceeded'];
    default: return ['broker-limit'];
  }
}

/** The in-flight map's key of a stream's sender: one number, no string per message. */
function inFlightKey(stream: number, sender: 'client' | 'server'): number {
  return stream * 2 + (sender === 'server' ? 1 : 0);
}

interface Tally { frames: FrameSet; count: number; time: number; stream: number; sender: 'broker' | 'client'; qos: number; packetIds: Set<number> }

export class QosDetector implements Detector {
  constructor(private readonly machines: MachineBook) {}

  /** stream and sender (inFlightKey) → packet id → in flight. */
  private readonly inFlight = new Map<number, Map<number, InFlight>>();
  private total = 0;
  private readonly subscribes = new Map<string, Array<{ topic: string; qos: number }>>();
  private readonly subscribeFrames = new Map<string, { frame: number; time: number }>();
  private readonly redelivered = new Map<string, Tally>();
  private readonly reused = new Map<string, Tally>();
  private readonly refused: Array<{ stream: number; filters: string[]; code: number; frames: FrameSet; time: number }> = [];
  /** MQTT 5 PUBACK/PUBREC refusals, per stream and reason code. */
  private readonly publishes = new Map<string, { stream: number; code: number; ack: string; topics: Set<string>; frames: FrameSet; time: number; count: number; notAllowed?: NotAllowed }>();
  /** What each MQTT 5 CONNACK allowed (topic aliases, retain, QoS), for a broker DISCONNECT 0x94, 0x9A or 0x9B. */
  private readonly allowed = new ConnackAllowed();
  private readonly downgraded: Array<{ stream: number; filter: string; asked: number; granted: number; frames: FrameSet; time: number }> = [];

  /** Each stream's client PUBLISH when it is the client's last packet: a broker DISCONNECT right after refuses it. */
  private readonly lastClientPublish = new Map<number, InFlight>();
  /** The broker's DUP redeliveries (stream, packet id, time), to tell whether a delivery left unacknowledged was acknowledged later. */
  private readonly redeliveries: Array<{ stream: number; id: number; time: number; source: number | undefined; topic: string | undefined }> = [];

  /** Every MQTT packet type (no mqttTypes): any client packet but a PUBLISH ends the stream's lastClientPublish. */
  mqtt(e: MqttEvent): void {
    this.allowed.event(e);
    // The broker refused what the client sent and closed (MQTT 5 DISCONNECT 0x80 or above, e.g. 0x95 packet too
    // large): the client's messages in flight were refused, not left unacknowledged.
    if (e.type === 'DISCONNECT' && e.direction === 'server' && (e.reasonCode ?? 0) >= 0x80) {
      // A code about a PUBLISH (0x95 packet too large, 0x97 quota exceeded, 0x93 receive maximum exceeded...) right
      // after the client's PUBLISH: that message was refused, by disconnecting.
      const last = this.lastClientPublish.get(e.stream);
      if (last !== undefined && PUBLISH_DISCONNECT_CODES.has(e.reasonCode!)) this.publishRefused(e, last);
      this.inFlight.get(inFlightKey(e.stream, 'client'))?.clear();
      this.lastClientPublish.delete(e.stream);
      return;
    }
    if (e.direction === 'client') {
      if (e.type === 'PUBLISH') {
        if (this.lastClientPublish.size < MAX_IN_FLIGHT) {
          // The stream's record is refilled: a publisher's PUBLISHes follow one another.
          const last = this.lastClientPublish.get(e.stream);
          if (last === undefined) this.lastClientPublish.set(e.stream, { frame: e.frame, time: e.time, qos: e.qos ?? 0, topic: e.topic, source: undefined });
          else { last.frame = e.frame; last.time = e.time; last.qos = e.qos ?? 0; last.topic = e.topic; }
        }
      } else this.lastClientPublish.delete(e.stream);
    }
    if (e.packetId === undefined) return;
    switch (e.type) {
      // Packet identifier 0 is no identifier (MQTT-2.3.1-1): nothing can acknowledge it, and a broker closes on it
      // (diag.protocol-violation), so it is no message in flight.
      case 'PUBLISH': if (((e.qos ?? 0) === 1 || e.qos === 2) && e.packetId !== 0) this.publish(e); break;
      case 'PUBACK': case 'PUBREC': {
        const map = this.inFlight.get(inFlightKey(e.stream, e.direction === 'client' ? 'server' : 'client'));
        const sent = map?.get(e.packetId);
        if (sent !== undefined && e.direction === 'server' && (e.reasonCode ?? 0) >= 0x80) this.publishRefused(e, sent);
        map?.delete(e.packetId);
        break;
      }
      case 'SUBSCRIBE':
        if (this.subscribes.size < 10_000) {
          this.subscribes.set(`${e.stream}|${e.packetId}`, (e.subscriptions ?? []).map((s) => ({ topic: s.topic, qos: s.qos })));
          this.subscribeFrames.set(`${e.stream}|${e.packetId}`, { frame: e.frame, time: e.time });
        }
        break;
      case 'SUBACK': this.suback(e); break;
      default: break;
    }
  }

  private publishRefused(e: MqttEvent, sent: InFlight): void {
    const key = `${e.stream}|${e.reasonCode}`;
    let g = this.publishes.get(key);
    if (g === undefined) {
      if (this.publishes.size >= 1000) return;
      const notAllowed = e.type === 'DISCONNECT' ? this.allowed.explain(e.stream, e.reasonCode!) : undefined;
      g = { stream: e.stream, code: e.reasonCode!, ack: e.type, topics: new Set(), frames: new FrameSet(), time: sent.time, count: 0, ...(notAllowed !== undefined ? { notAllowed } : {}) };
      this.publishes.set(key, g);
    }
    g.count++;
    // QoS 1 and QoS 2 messages refused with the same code: both answers are named.
    if (g.ack !== e.type && e.type !== 'DISCONNECT' && g.ack.length === 6) g.ack = 'PUBACK/PUBREC';
    if (sent.topic !== undefined && g.topics.size < 10) g.topics.add(sent.topic);
    g.frames.add(sent.frame, sent.time).add(e.frame, e.time);
  }

  private tally(map: Map<string, Tally>, key: string, e: MqttEvent): Tally {
    let t = map.get(key);
    if (t === undefined) {
      t = { frames: new FrameSet(), count: 0, time: e.time, stream: e.stream, sender: e.direction === 'server' ? 'broker' : 'client', qos: e.qos ?? 1, packetIds: new Set() };
      map.set(key, t);
    }
    t.count++;
    t.frames.add(e.frame, e.time);
    if (t.packetIds.size < 5 && e.packetId !== undefined) t.packetIds.add(e.packetId);
    return t;
  }

  private publish(e: MqttEvent): void {
    const key = inFlightKey(e.stream, e.direction);
    let map = this.inFlight.get(key);
    if (map === undefined) { map = new Map(); this.inFlight.set(key, map); }
    const id = e.packetId!;
    const inFlight = map.has(id);
    if (e.dup === true) {
      this.tally(this.redelivered, `${machineOfLabel(this.machines, e.dst)}|${e.direction}`, e);
      if (e.direction === 'server' && this.redeliveries.length < MAX_IN_FLIGHT) this.redeliveries.push({ stream: e.stream, id, time: e.time, source: e.sourceFrame, topic: e.topic });
    }
    else if (inFlight) this.tally(this.reused, `${e.stream}|${e.direction}`, e);
    if (!inFlight) {
      if (this.total >= MAX_IN_FLIGHT) return;
      this.total++;
    }
    map.set(id, { frame: e.frame, time: e.time, qos: e.qos ?? 1, topic: e.topic, source: e.sourceFrame });
  }

  private suback(e: MqttEvent): void {
    const key = `${e.stream}|${e.packetId}`;
    const asked = this.subscribes.get(key);
    // The SUBSCRIBE and its SUBACK prove it, each with its time: the SUBSCRIBE (when seen) is its time.
    const subscribe = this.subscribeFrames.get(key) ?? e;
    this.subscribes.delete(key);
    this.subscribeFrames.delete(key);
    if (asked === undefined) return;
    const codes = e.reasonCodes ?? e.grantedQos ?? [];
    const refusedFilters: string[] = [];
    let refusedCode = 0x80;
    codes.forEach((code, i) => {
      const s = asked[i];
      if (s === undefined) return;
      if (code >= 0x80) { refusedFilters.push(s.topic); refusedCode = code; }
      else if (code < s.qos) this.downgraded.push({ stream: e.stream, filter: s.topic, asked: s.qos, granted: code, frames: this.subscribed(subscribe, e), time: subscribe.time });
    });
    if (refusedFilters.length > 0) this.refused.push({ stream: e.stream, filters: refusedFilters, code: refusedCode, frames: this.subscribed(subscribe, e), time: subscribe.time });
  }

  private subscribed(subscribe: { frame: number; time: number }, suback: MqttEvent): FrameSet {
    return new FrameSet().add(subscribe.frame, subscribe.time).add(suback.frame, suback.time);
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    this.unacknowledged(ctx, emit);
    const name = (book: ConnectionBook, stream: number, fallback: string): string => {
      const r = book.get(stream);
      return r !== undefined ? clientName(r) : fallback;
    };
    for (const [key, t] of this.redelivered) {
      const r = ctx.book.get(t.stream);
      const receiver = r !== undefined ? (t.sender === 'broker' ? clientName(r) : 'the broker') : key.split('|')[0]!;
      const senderName = r !== undefined && t.sender === 'client' ? clientName(r) : 'the broker';
      emit(makeDiagnosis({
        code: 'diag.qos-redelivered', layer: 'mqtt', frames: t.frames, time: t.frames.firstTime ?? t.time, stream: t.stream,
        facts: { receiver, sender: t.sender, senderName, count: t.count },
        causes: ['receiver-not-acking', 'connection-dropped'], checks: ['receiver-acks'],
      }));
    }
    for (const t of this.reused.values()) {
      const r = ctx.book.get(t.stream);
      const sender = t.sender === 'broker' ? 'The broker' : r !== undefined ? clientName(r) : 'A client';
      emit(makeDiagnosis({
        code: 'diag.packet-id-reused', layer: 'mqtt', frames: t.frames, time: t.frames.firstTime ?? t.time, stream: t.stream,
        facts: { sender, packetIds: [...t.packetIds], count: t.count },
        causes: ['client-bug'], checks: ['client-library'],
      }));
    }
    for (const x of this.refused) {
      const code = `0x${x.code.toString(16).padStart(2, '0')}`;
      emit(makeDiagnosis({
        code: 'diag.subscription-refused', layer: 'mqtt', frames: x.frames, time: x.time, stream: x.stream,
        facts: { subscriber: name(ctx.book, x.stream, String(x.stream)), filters: x.filters, code, codeName: x.code === 0x80 ? 'failure' : reasonName(x.code).toLowerCase() },
        causes: ['acl-or-invalid-filter'], checks: ['topic-acl', 'broker-log'],
      }));
    }
    this.closedSubscriptions(ctx, emit);
    for (const g of this.publishes.values()) {
      const r = ctx.book.get(g.stream);
      const sys = g.code === 0x87 && [...g.topics].every(isSysTopic);
      emit(makeDiagnosis({
        code: 'diag.publish-refused', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? g.time, stream: g.stream,
        ...(r !== undefined ? { src: r.client, dst: r.server } : {}),
        facts: {
          publisher: r !== undefined ? clientName(r) : String(g.stream), topics: [...g.topics], count: g.count, ack: g.ack,
          code: `0x${g.code.toString(16).padStart(2, '0')}`, codeName: reasonName(g.code).toLowerCase(), ...g.notAllowed?.facts,
        },
        // A message to the broker's own $SYS tree is refused whatever the ACL says.
        causes: g.notAllowed?.causes ?? (sys ? ['sys-topic'] : refusedCauses(g.code)),
        checks: g.notAllowed !== undefined ? [...g.notAllowed.checks, 'broker-log'] : sys ? ['sys-topic', 'broker-log'] : g.code === 0x87 ? ['acl-file', 'credentials', 'broker-log'] : [0x93, 0x95, 0x96, 0x97].includes(g.code) ? ['broker-limits', 'broker-log'] : ['broker-log'],
      }));
    }
    for (const x of this.downgraded) {
      emit(makeDiagnosis({
        code: 'diag.subscription-downgraded', layer: 'mqtt', frames: x.frames, time: x.time, stream: x.stream,
        facts: { subscriber: name(ctx.book, x.stream, String(x.stream)), filter: x.filter, asked: x.asked, granted: x.granted },
        causes: ['broker-max-qos'], checks: ['broker-max-qos'],
      }));
    }
  }

  /** SUBSCRIBEs never answered, whose connection the broker closed right after: refused by closing (invalid filters). */
  private closedSubscriptions(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, { stream: number; subscriber: string; filters: string[]; frames: FrameSet; time: number; count: number }>();
    for (const [key, asked] of this.subscribes) {
      const at = this.subscribeFrames.get(key);
      const stream = Number(key.slice(0, key.indexOf('|')));
      const r = ctx.book.get(stream);
      if (at === undefined || r === undefined || !closedRightAfter(r, at.time)) continue;
      const subscriber = clientName(r).replace(/:\d+$/, '');
      const filters = asked.map((s) => s.topic);
      const gk = `${subscriber}|${machineOfLabel(this.machines, r.server)}|${filters.join('\u0000')}`;
      let g = groups.get(gk);
      if (g === undefined) {
        g = { stream, subscriber, filters, frames: new FrameSet(), time: at.time, count: 0 };
        groups.set(gk, g);
      }
      g.count++;
      const end = sessionEndOf(r)!;
      g.frames.add(at.frame, at.time).add(end.frame, end.time);
    }
    for (const g of groups.values()) {
      const invalid = g.filters.map(filterProblem).find((p) => p !== undefined);
      emit(makeDiagnosis({
        code: 'diag.subscription-refused', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? g.time, stream: g.stream,
        facts: { subscriber: g.subscriber, filters: g.filters, closed: true, count: g.count, ...(invalid !== undefined ? { invalid } : {}) },
        causes: invalid !== undefined ? ['invalid-filter'] : ['acl-or-invalid-filter'],
        checks: invalid !== undefined ? ['filter-syntax', 'broker-log'] : ['topic-acl', 'broker-log'],
      }));
    }
  }

  /**
   * The broker redelivered packet `id` (DUP) to the client of `r` (same client id, same broker) on a later connection
   * after `time`, and that copy was acknowledged: the message was acknowledged (diag.qos-redelivered tells the rest).
   * When the capture missed `r`'s CONNECT (it started later), its client id is unknown: a redelivery to the same client
   * host and broker, of the same packet id and topic (and of a copy of the same publish, when the fan-out tracer
   * linked both), is then the same message.
   */
  private acknowledgedLater(ctx: FinishContext, r: ConnectionRecord, id: number, p: InFlight): boolean {
    const clientId = r.connect?.clientId;
    const unknown = r.connect === undefined;
    if (!unknown && (clientId === undefined || clientId === '')) return false;
    const time = p.time;
    return this.redeliveries.some((x) => {
      if (x.id !== id || x.time <= time || x.stream === r.stream) return false;
      const other = ctx.book.get(x.stream);
      if (other === undefined || machineOfLabel(this.machines, other.server) !== machineOfLabel(this.machines, r.server)) return false;
      if (unknown) {
        if (machineOfLabel(this.machines, other.client) !== machineOfLabel(this.machines, r.client) || x.topic !== p.topic) return false;
        if (x.source !== undefined && p.source !== undefined && x.source !== p.source) return false;
      } else if (other.connect?.clientId !== clientId) return false;
      return this.inFlight.get(inFlightKey(x.stream, 'server'))?.get(id)?.time !== x.time;
    });
  }

  private unacknowledged(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, Tally & { receiver: string; publisher?: string }>();
    for (const [key, map] of this.inFlight) {
      const direction: 'client' | 'server' = key % 2 === 1 ? 'server' : 'client';
      const stream = (key - (key % 2)) / 2;
      const r = ctx.book.get(stream);
      const ended = r !== undefined && sessionEndOf(r) !== undefined;
      // The receiver must be seen after the PUBLISH (alive, yet not acknowledging) or the connection must end: a
      // capture that simply stops showing the connection proves nothing.
      const receiver = r !== undefined ? sentBy(r, direction === 'server' ? 'client' : 'server') : undefined;
      // A receiver never seen sending MQTT: its direction (or its MQTT side) is not in the capture.
      if (receiver === undefined || receiver.mqtt === 0) continue;
      const receiverLast = receiver.lastTime;
      for (const [id, p] of map) {
        if (!ended && (ctx.captureEnd - p.time < UNACKED_AFTER_SECONDS || receiverLast <= p.time)) continue;
        if (direction === 'server' && r !== undefined && this.acknowledgedLater(ctx, r, id, p)) continue;
        const receiver = direction === 'server' ? (r !== undefined ? clientName(r) : `stream ${stream}`) : `the broker${r !== undefined ? ` (${r.server})` : ''}`;
        const publisher = direction === 'client' && r !== undefined ? clientName(r) : undefined;
        // Messages a client published and the broker never acknowledged are grouped per publisher, who is named.
        const gk = `${receiver.replace(/:\d+\)?$/, '')}|${direction}|${p.qos}|${publisher?.replace(/:\d+$/, '') ?? ''}`;
        let g = groups.get(gk);
        if (g === undefined) {
          g = {
            frames: new FrameSet(), count: 0, time: p.time, stream, sender: direction === 'server' ? 'broker' : 'client', qos: p.qos,
            packetIds: new Set(), receiver, ...(publisher !== undefined ? { publisher } : {}),
          };
          groups.set(gk, g);
        }
        g.count++;
        g.frames.add(p.frame, p.time);
        if (g.packetIds.size < 5) g.packetIds.add(id);
        g.time = Math.min(g.time, p.time);
      }
    }
    for (const g of groups.values()) {
      emit(makeDiagnosis({
        code: 'diag.qos-unacknowledged', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? g.time, stream: g.stream,
        facts: { receiver: g.receiver, sender: g.sender, ...(g.publisher !== undefined ? { publisher: g.publisher } : {}), qos: g.qos, ack: g.qos === 1 ? 'PUBACK' : 'PUBREC', count: g.count },
        causes: ['receiver-not-acking', 'connection-dropped'], checks: ['receiver-acks', 'qos-needed'],
      }));
    }
  }
}
