/**
 * diag.too-large-for-subscriber: messages the broker did not deliver to an MQTT 5 subscriber because they are larger
 * than the Maximum Packet Size that subscriber set in its CONNECT. The broker must not send it a bigger packet
 * and discards the message for that subscriber alone (MQTT-3.1.2-24, -25), telling no one (mosquitto logs "Dropping too
 * large outgoing PUBLISH"; the publisher's PUBACK still says success). Reads the CONNECT's limit, the SUBSCRIBE and
 * SUBACK of limited clients, client PUBLISHes bigger than some limit, and the broker's copies (their `sourceFrame`)
 * that show a message was delivered to the subscriber after all. The size is a lower bound of the copy the broker
 * would send (fixed header, topic, an empty property section, payload), so a message counted is too large for sure.
 * It does not judge subscribers without a limit (diag.published-to-nobody does), nor the broker's own limit
 * (diag.publish-refused). Bounded: MAX_LIMITED clients, MAX_SUBSCRIPTIONS subscriptions, MAX_MISSES misses
 * (MAX_MISSES_PER_SUBSCRIBER per subscriber).
 */
import { Buffer } from 'node:buffer';
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { topicMatches } from '../mqtt/topic.js';
import { clientName, sessionEndOf } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

export const MAX_LIMITED = 10_000;
export const MAX_SUBSCRIPTIONS = 10_000;
export const MAX_MISSES = 20_000;
/** Misses remembered per subscriber connection, at most (its diagnosis counts them; the rest are not traced). */
export const MAX_MISSES_PER_SUBSCRIBER = 1_000;

/** A client that set a Maximum Packet Size: its broker, its limit, its subscriptions. */
interface Limited {
  server: string;
  limit: number;
  subscriptions: Subscription[];
}

interface Subscription {
  filter: string;
  time: number;
  packetId?: number;
  index: number;
  /** Set by the SUBACK: false when refused (0x80 or more). */
  accepted?: boolean;
  noLocal: boolean;
}

/** A message the broker should have sent to a limited subscriber and that is too large for it. */
interface Miss {
  publishFrame: number;
  time: number;
  topic: string;
  payloadLength: number;
  /** Lower bound of the copy's size in bytes. */
  size: number;
  stream: number;
  filter: string;
  delivered: boolean;
  /** Copies of the message the broker sent to other subscribers. */
  others: number;
}

/** Bytes of MQTT's variable-length integer for n. */
function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** The smallest packet a broker can send to an MQTT 5 subscriber for this message: QoS 0, no property. */
export function minimumCopySize(topic: string, payloadLength: number): number {
  const remaining = 2 + Buffer.byteLength(topic, 'utf8') + 1 + payloadLength;
  return 1 + varintLength(remaining) + remaining;
}

export class SubscriberSizeDetector implements Detector {
  readonly mqttTypes = ['CONNECT', 'SUBSCRIBE', 'UNSUBSCRIBE', 'SUBACK', 'PUBLISH'] as const;
  private readonly limited = new Map<number, Limited>();
  private subscriptionCount = 0;
  private smallestLimit = Number.POSITIVE_INFINITY;
  /** Misses by the frame of the client's PUBLISH, and by the subscriber's connection. */
  private readonly misses = new Map<number, Miss[]>();
  private readonly bySubscriber = new Map<number, Miss[]>();
  private missCount = 0;

  mqtt(e: MqttEvent): void {
    switch (e.type) {
      case 'CONNECT': this.connect(e); break;
      case 'SUBSCRIBE': this.subscribe(e); break;
      case 'UNSUBSCRIBE': this.unsubscribe(e); break;
      case 'SUBACK': {
        const l = this.limited.get(e.stream);
        if (l === undefined) break;
        const codes = e.reasonCodes ?? e.grantedQos ?? [];
        for (const s of l.subscriptions) if (s.packetId === e.packetId && s.accepted === undefined) s.accepted = (codes[s.index] ?? 0) < 0x80;
        break;
      }
      // Nothing to judge before a subscriber announced a maximum packet size, nor any copy to look at before a miss.
      case 'PUBLISH':
        if (e.direction === 'client') { if (this.limited.size > 0) this.publish(e); } else if (this.missCount > 0) this.copy(e);
        break;
      default: break;
    }
  }

  // The closures are in methods of their own: one in mqtt() would cost it a context per packet.
  private subscribe(e: MqttEvent): void {
    const l = this.limited.get(e.stream);
    if (l === undefined || e.direction !== 'client') return;
    (e.subscriptions ?? []).forEach((s, index) => {
      if (this.subscriptionCount >= MAX_SUBSCRIPTIONS) return;
      this.subscriptionCount++;
      l.subscriptions.push({ filter: s.topic, time: e.time, index, noLocal: s.noLocal === true, ...(e.packetId !== undefined ? { packetId: e.packetId } : {}) });
    });
  }

  private unsubscribe(e: MqttEvent): void {
    const l = this.limited.get(e.stream);
    if (l === undefined || e.direction !== 'client') return;
    const gone = new Set(e.unsubscriptions ?? []);
    l.subscriptions = l.subscriptions.filter((s) => !gone.has(s.filter));
  }

  private connect(e: MqttEvent): void {
    if (e.direction !== 'client') return;
    const limit = e.properties?.['maximumPacketSize'];
    // A new CONNECT on the connection replaces what the last one said.
    if (typeof limit !== 'number' || limit <= 0) {
      this.limited.delete(e.stream);
      return;
    }
    if (!this.limited.has(e.stream) && this.limited.size >= MAX_LIMITED) return;
    this.limited.set(e.stream, { server: e.dst, limit, subscriptions: [] });
    if (limit < this.smallestLimit) this.smallestLimit = limit;
  }

  private publish(e: MqttEvent): void {
    const topic = e.topic;
    const length = e.payload?.length;
    if (topic === undefined || topic === '' || length === undefined || e.malformed !== undefined) return;
    const size = minimumCopySize(topic, length);
    if (size <= this.smallestLimit) return;
    for (const [stream, l] of this.limited) {
      if (size <= l.limit || l.server !== e.dst) continue;
      const s = l.subscriptions.find((x) => x.accepted === true && x.time < e.time && !(x.noLocal && stream === e.stream) && topicMatches(x.filter, topic));
      const mine = this.bySubscriber.get(stream) ?? [];
      if (s === undefined || this.missCount >= MAX_MISSES || mine.length >= MAX_MISSES_PER_SUBSCRIBER) continue;
      const miss: Miss = { publishFrame: e.frame, time: e.time, topic, payloadLength: length, size, stream, filter: s.filter, delivered: false, others: 0 };
      const list = this.misses.get(e.frame) ?? [];
      list.push(miss);
      this.misses.set(e.frame, list);
      mine.push(miss);
      this.bySubscriber.set(stream, mine);
      this.missCount++;
    }
  }

  /** A copy the broker sent: delivered to the limited subscriber after all, or to another one. */
  private copy(e: MqttEvent): void {
    if (e.sourceFrame !== undefined) {
      for (const m of this.misses.get(e.sourceFrame) ?? []) {
        if (m.stream === e.stream) m.delivered = true;
        else m.others++;
      }
      return;
    }
    // A copy the tracer could not link (cut payload, forgotten publish): the same message on that subscriber counts.
    if (e.retain === true) return;
    for (const m of this.bySubscriber.get(e.stream) ?? []) if (m.topic === e.topic && m.payloadLength === e.payload?.length) m.delivered = true;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<number, { misses: Miss[]; frames: FrameSet }>();
    for (const list of this.misses.values()) {
      for (const m of list) {
        if (m.delivered) continue;
        const r = ctx.book.get(m.stream);
        // The subscriber's session had ended before the message: nothing was owed to it.
        const end = r !== undefined ? sessionEndOf(r) : undefined;
        if (r === undefined || (end !== undefined && end.time <= m.time)) continue;
        const g = groups.get(m.stream) ?? { misses: [], frames: new FrameSet() };
        g.misses.push(m);
        g.frames.add(m.publishFrame, m.time);
        groups.set(m.stream, g);
        ctx.tooLargeForSubscriber.add(m.publishFrame);
      }
    }
    for (const [stream, g] of groups) {
      const r = ctx.book.get(stream)!;
      const l = this.limited.get(stream)!;
      // The CONNECT that set the limit is the first evidence (the diagnosis' time), then the messages over it.
      if (r.connect !== undefined) g.frames.add(r.connect.frame, r.connect.time);
      const topics = [...new Set(g.misses.map((m) => m.topic))];
      const filters = [...new Set(g.misses.map((m) => m.filter))];
      emit(makeDiagnosis({
        code: 'diag.too-large-for-subscriber', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? Math.min(...g.misses.map((m) => m.time)),
        src: r.server, dst: r.client, stream,
        facts: {
          subscriber: clientName(r), maximumPacketSize: l.limit, count: g.misses.length, topic: topics[0]!, topics: topics.slice(0, 10),
          filters: filters.slice(0, 10), smallestSize: Math.min(...g.misses.map((m) => m.size)),
          deliveredToOthers: g.misses.filter((m) => m.others > 0).length, broker: r.server,
        },
        causes: ['subscriber-max-packet-size'], checks: ['client-max-packet-size', 'broker-log'],
      }));
    }
  }
}
