/**
 * Do the messages reach their subscribers? diag.topic-mismatch (a subscription that matched nothing while a similar
 * topic was published; when several subscribers use that same filter, the publisher's topic is the likelier typo), diag.published-to-nobody (client PUBLISHes the broker forwarded to no one) and
 * diag.subscribed-too-late (a subscription made after the messages it wanted, none retained). Reads PUBLISH,
 * SUBSCRIBE and SUBACK packets; bounded by MAX_TOPICS, MAX_SUBSCRIPTIONS and MAX_PENDING publishes.
 *
 * Among the messages forwarded to no one, those that expired (MQTT 5 Message Expiry Interval) while queued for a
 * persistent subscriber that was away, and those whose only matching subscription was their publisher's own under
 * MQTT 5 No Local, and those published while a matching subscriber was pushed off by a takeover of its client id (a
 * publisher given the subscriber's id), are said so (facts expiredMessages, noLocalSubscribers, takenOverMessages). A
 * message published in the capture's last second, after which its broker sent nothing, is not counted: the capture
 * may have stopped before the broker's turn.
 *
 * Topics are kept per broker host, as the fan-out tracer links them (src/mqtt/fanout.ts): a subscription is compared
 * with the topics published to its own broker only. Two unrelated brokers in one capture with the same topic names
 * stay apart, and a subscriber of another broker whose filter matches an unforwarded topic is named as such.
 */
import type { MachineBook } from '../model/machine.js';
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { isSysTopic, sharedSubscriptionPrefix, topicMatches } from '../mqtt/topic.js';
import { UNDELIVERED_SECONDS, clientName, closedRightAfter, isMqtt, machineOfLabel, sentBy, sessionEndOf, type ConnectionRecord } from './book.js';
import { TAKEOVER_WINDOW_SECONDS } from './takeover.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';
import { closestTopic, compareFilterToTopic, type TopicDifference } from './topic-similarity.js';
import type { Confidence } from './types.js';
import { violationOf } from './violation.js';

export const MAX_TOPICS = 10_000;
export const MAX_SUBSCRIPTIONS = 10_000;
export const MAX_PENDING = 20_000;
/** Spans of a subscriber's used-up Receive Maximum kept per connection (the latest). */
const MAX_FULL_SPANS = 256;
/**
 * A broker forwards a message in milliseconds; one that answers a second late stalled (diag.broker-slow). A publish
 * this close to the end of the capture, after which the broker sent no MQTT packet at all, may have been forwarded
 * after the capture stopped (tcpdump interrupted, or its -c count reached): unknown, not lost.
 */
export const FORWARD_GRACE_SECONDS = 1;
const MAX_EARLY_TOPICS = 64;
/** Connections of one persistent session walked back from a later UNSUBSCRIBE to the SUBSCRIBE it removes. */
const MAX_SESSION_HOPS = 16;

/** The key of a topic on a broker host (a topic name holds no U+0000). */
function topicKey(host: string, name: string): string {
  return `${host}\u0000${name}`;
}

interface TopicRecord {
  name: string;
  /** The broker's host (its address without the port: one broker's listeners are one broker). */
  host: string;
  /** Publishes by clients (to the broker) and copies the broker sent (which count when the publisher is not captured). */
  published: number;
  forwarded: number;
  retained: boolean;
  firstTime: number;
  lastTime: number;
  publishers: Set<string>;
  /** Frames of client publishes not (yet) seen forwarded, and of all publishes. */
  unforwarded: FrameSet;
  unforwardedCount: number;
  /** Times of the first and last of those publishes. */
  unforwardedFirst?: number;
  unforwardedLast?: number;
  /** Who published them. */
  unforwardedPublishers: Set<string>;
  /** Of those, the ones that expired (Message Expiry Interval) while queued for an away persistent subscriber: for whom, when it came back, their intervals. */
  expiredMessages: number;
  expiredFor: Set<string>;
  expiredConnack?: number;
  expiryIntervals: Set<number>;
  /**
   * Of those, the ones that expired in the broker's queue for a connected MQTT 5 subscriber whose Receive Maximum was
   * used up when they came (as many of its QoS 1/2 copies unacknowledged): for whom, and their Receive Maximums.
   */
  queueExpiredMessages: number;
  queueExpiredFor: Set<string>;
  receiveMaximums: Set<number>;
  /** Of those, the ones whose publisher was the only subscriber, under No Local: its name. */
  noLocalMessages: number;
  noLocalFor: Set<string>;
  /** Of those, the ones published while a matching subscriber was kicked out by a takeover of its client id: who, the ids, and whether the publisher took it. */
  takenOverMessages: number;
  takenOverFor: Set<string>;
  takenOverIds: Set<string>;
  takenOverByPublisher: boolean;
  /** Of those, the ones published after every matching subscriber had UNSUBSCRIBEd (its UNSUBACK seen): who, and the UNSUBSCRIBE frames. */
  unsubscribedMessages: number;
  unsubscribedFor: Set<string>;
  unsubscribeFrames: Set<number>;
  /** Broker copies on this topic not linked to a publish (the tracer could not link them: cut payloads, evicted). */
  untraced: number;
  /** Copies not linked (retained ones too) per subscriber stream (made on the first), and the most one stream received: messages whose publish the capture lacks. */
  untracedByStream?: Map<number, number>;
  untracedMost: number;
  frames: FrameSet;
  brokers: Set<string>;
}

/**
 * Whether a topic differing so from a filter that works for other topics is a slip rather than another topic: case,
 * blanks, slashes, look-alike characters, two letters swapped, or a blank added, lost or changed ('sensor/a' and
 * 'sensor/b', 'sess/5' and 'sess/q2' are other topics; a wildcard that does not reach it is the design).
 */
function nearEnough(d: TopicDifference): boolean {
  if (d.kind === 'case' || d.kind === 'whitespace' || d.kind === 'unicode' || d.kind === 'slash') return true;
  if (d.kind !== 'typo' || d.edit === undefined || d.edit.distance !== 1) return false;
  return d.edit.op === 'swapped' || (d.edit.typed + d.edit.meant).trim() === '';
}

/** A subscribed filter like a topic published to no one: whose, and how they differ (topic-similarity.ts). */
interface NearMiss {
  filter: string;
  subscriber: string;
  difference: TopicDifference;
}

interface SubscriptionRecord {
  stream: number;
  /** The broker's host. */
  host: string;
  filter: string;
  frame: number;
  time: number;
  packetId?: number;
  index: number;
  refused: boolean;
  /** A SUBACK answered it. */
  answered: boolean;
  /** MQTT 5 No Local: the client's own messages are not sent back to it. */
  noLocal: boolean;
  /** Broker PUBLISHes this subscriber received that the filter matches. */
  received: number;
  /**
   * An UNSUBSCRIBE of this exact filter, acknowledged (UNSUBACK, MQTT 5 reason 0x00): its frame, time and connection
   * (this one, or a later connection of the same persistent session: same client id and broker, CONNACK session present 1).
   */
  unsubscribed?: { frame: number; time: number; stream: number };
}

export class TopicDetector implements Detector {
  constructor(private readonly machines: MachineBook) {}

  /** By topicKey(host, name). */
  private readonly topics = new Map<string, TopicRecord>();
  private readonly subscriptions: SubscriptionRecord[] = [];
  private readonly byStream = new Map<number, SubscriptionRecord[]>();
  /**
   * Topics of the broker copies a stream received before any SUBSCRIBE of it was seen (a persistent session's queued
   * messages come right after its CONNACK, before the client subscribes again; or the SUBSCRIBE was before the
   * capture): at most MAX_EARLY_TOPICS per stream, MAX_SUBSCRIPTIONS streams.
   */
  private readonly receivedEarly = new Map<number, Set<string>>();
  /** Client publish frame → topic (its key), until a forwarded copy is seen; its stream and Message Expiry Interval. */
  private readonly pending = new Map<number, { key: string; time: number; src: string; stream: number; expiry: number | undefined }>();
  /** Brokers whose delivery side the capture shows: a SUBSCRIBE to them, or a PUBLISH from them, was seen. */
  private readonly covered = new Set<string>();
  /** MQTT 5: QoS 1/2 publishes in flight (stream × 65536 + packet id → topic and frame), and topics the broker said had no subscribers (0x10). */
  private readonly inFlight = new Map<number, { key: string; frame: number }>();
  /** Each stream's last client PUBLISH (frame), for a broker DISCONNECT that refuses it (MQTT 5, e.g. 0x95 packet too large). */
  private readonly lastPublish = new Map<number, number>();
  private readonly noMatching = new Map<string, FrameSet>();
  /** Which acknowledgement said 0x10, per topic (PUBACK at QoS 1, PUBREC at QoS 2). */
  private readonly noMatchingAcks = new Map<string, Set<'PUBACK' | 'PUBREC'>>();
  /** Brokers that refused a client's PUBLISH for its size (MQTT 5 PUBACK, PUBREC or DISCONNECT 0x95 packet too large). */
  private readonly sizeLimited = new Set<string>();
  /**
   * MQTT 5 Response Topics named by requests (broker host × topic): a subscription to one waits for an answer that
   * may never come (the request was not served), which is no typo of a similar topic.
   */
  private readonly responseTopics = new Set<string>();
  /** UNSUBSCRIBEs awaiting their UNSUBACK (stream × 65536 + packet id → filters, frame, time). */
  private readonly unsubscribing = new Map<number, { filters: string[]; frame: number; time: number }>();
  /**
   * Acknowledged UNSUBSCRIBEs of a filter the connection had not subscribed to itself: a persistent session's
   * subscription made on an earlier connection, found at the end (laterUnsubscribes), or nothing. At most MAX_PENDING.
   */
  private readonly unsubscribedElsewhere: Array<{ stream: number; filter: string; frame: number; time: number }> = [];

  readonly mqttTypes = ['PUBLISH', 'SUBSCRIBE', 'PUBACK', 'PUBREC', 'DISCONNECT', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'CONNECT', 'PUBCOMP'] as const;

  /**
   * MQTT 5 subscribers that gave a Receive Maximum (stream → its window): how many of the broker's QoS 1/2 copies await
   * their acknowledgement, and the times the window was used up (from, until; until undefined: still), the latest
   * MAX_FULL_SPANS. At most MAX_PENDING streams.
   */
  private readonly windows = new Map<number, { max: number; inFlight: number; full: Array<{ from: number; until?: number }> }>();

  /** A broker's copy to a windowed subscriber, or the subscriber's answer that frees its place (MQTT-4.9.0-2). */
  private window(e: MqttEvent): void {
    const w = this.windows.get(e.stream);
    if (w === undefined) return;
    if (e.type === 'PUBLISH') {
      if (e.direction !== 'server' || (e.qos ?? 0) === 0 || e.dup === true) return;
      w.inFlight++;
      if (w.inFlight >= w.max && (w.full.length === 0 || w.full[w.full.length - 1]!.until !== undefined)) {
        w.full.push({ from: e.time });
        if (w.full.length > MAX_FULL_SPANS) w.full.shift();
      }
      return;
    }
    // PUBACK, PUBCOMP, or a PUBREC with an error reason code, from the subscriber.
    if (e.direction !== 'client' || w.inFlight === 0) return;
    if (e.type === 'PUBREC' && (e.reasonCode ?? 0) < 0x80) return;
    w.inFlight--;
    const last = w.full[w.full.length - 1];
    if (w.inFlight < w.max && last !== undefined && last.until === undefined) last.until = e.time;
  }

  mqtt(e: MqttEvent): void {
    if (this.windows.size > 0) this.window(e);
    switch (e.type) {
      case 'CONNECT': {
        const max = e.properties?.['receiveMaximum'];
        if (e.direction === 'client' && typeof max === 'number' && max > 0 && this.windows.size < MAX_PENDING) this.windows.set(e.stream, { max, inFlight: 0, full: [] });
        break;
      }
      case 'PUBCOMP': break;
      case 'PUBLISH': this.publish(e); break;
      case 'SUBSCRIBE': this.subscribe(e); break;
      case 'PUBACK': case 'PUBREC': {
        if (e.packetId === undefined) break;
        const key = e.stream * 0x10000 + e.packetId;
        const sent = this.inFlight.get(key);
        this.inFlight.delete(key);
        // Refused by the broker (MQTT 5 reason 0x80 or above, e.g. 0x87 not authorized): diag.publish-refused says so, not "to nobody".
        if (sent !== undefined && e.direction === 'server' && (e.reasonCode ?? 0) >= 0x80) this.pending.delete(sent.frame);
        if (e.direction === 'server' && e.reasonCode === 0x95) this.sizeLimited.add(e.src);
        const topic = sent?.key;
        if (topic !== undefined && e.direction === 'server' && e.reasonCode === 0x10) {
          const frames = this.noMatching.get(topic) ?? new FrameSet();
          frames.add(e.frame);
          this.noMatching.set(topic, frames);
          const acks = this.noMatchingAcks.get(topic) ?? new Set<'PUBACK' | 'PUBREC'>();
          acks.add(e.type);
          this.noMatchingAcks.set(topic, acks);
        }
        break;
      }
      case 'DISCONNECT': {
        // The broker closed on the client's last PUBLISH with an error (0x95 packet too large...): refused, not published.
        const last = this.lastPublish.get(e.stream);
        if (e.direction === 'server' && (e.reasonCode ?? 0) >= 0x80 && last !== undefined) this.pending.delete(last);
        if (e.direction === 'server' && e.reasonCode === 0x95 && last !== undefined) this.sizeLimited.add(e.src);
        this.lastPublish.delete(e.stream);
        break;
      }
      case 'SUBACK': {
        const codes = e.reasonCodes ?? e.grantedQos ?? [];
        for (const s of this.byStream.get(e.stream) ?? []) {
          if (s.packetId !== e.packetId) continue;
          s.answered = true;
          if ((codes[s.index] ?? 0) >= 0x80) s.refused = true;
        }
        break;
      }
      case 'UNSUBSCRIBE': {
        if (e.packetId === undefined || e.direction !== 'client') break;
        if (this.unsubscribing.size >= MAX_PENDING) {
          const oldest = this.unsubscribing.keys().next();
          if (oldest.done !== true) this.unsubscribing.delete(oldest.value);
        }
        this.unsubscribing.set(e.stream * 0x10000 + e.packetId, { filters: e.unsubscriptions ?? [], frame: e.frame, time: e.time });
        break;
      }
      case 'UNSUBACK': {
        if (e.packetId === undefined || e.direction !== 'server') break;
        const key = e.stream * 0x10000 + e.packetId;
        const request = this.unsubscribing.get(key);
        this.unsubscribing.delete(key);
        if (request === undefined) break;
        // MQTT 5 gives a reason code per filter (0x00 success; 0x11 no subscription existed, 0x80 and above refused); MQTT 3.1.1 none.
        const codes = e.reasonCodes ?? [];
        request.filters.forEach((filter, i) => {
          if ((codes[i] ?? 0) !== 0) return;
          let own = false;
          for (const s of this.byStream.get(e.stream) ?? []) {
            if (s.filter === filter && s.time < request.time && s.unsubscribed === undefined) {
              s.unsubscribed = { frame: request.frame, time: request.time, stream: e.stream };
              own = true;
            }
          }
          if (!own && this.unsubscribedElsewhere.length < MAX_PENDING) this.unsubscribedElsewhere.push({ stream: e.stream, filter, frame: request.frame, time: request.time });
        });
        break;
      }
      default: break;
    }
  }

  /** In a method of its own: the closure in mqtt() would cost it a context per packet. */
  private subscribe(e: MqttEvent): void {
    this.covered.add(e.dst);
    (e.subscriptions ?? []).forEach((s, index) => {
      if (this.subscriptions.length >= MAX_SUBSCRIPTIONS) return;
      const record: SubscriptionRecord = { stream: e.stream, host: machineOfLabel(this.machines, e.dst), filter: s.topic, frame: e.frame, time: e.time, index, refused: false, answered: false, noLocal: s.noLocal === true, received: 0, ...(e.packetId !== undefined ? { packetId: e.packetId } : {}) };
      this.subscriptions.push(record);
      const list = this.byStream.get(e.stream) ?? [];
      list.push(record);
      this.byStream.set(e.stream, list);
    });
  }

  private topic(key: string, name: string, host: string, time: number): TopicRecord | undefined {
    let t = this.topics.get(key);
    if (t === undefined) {
      if (this.topics.size >= MAX_TOPICS) return undefined;
      t = { name, host, published: 0, forwarded: 0, retained: false, firstTime: time, lastTime: time, publishers: new Set(), unforwarded: new FrameSet(), unforwardedCount: 0, unforwardedPublishers: new Set(), expiredMessages: 0, expiredFor: new Set(), expiryIntervals: new Set(), queueExpiredMessages: 0, queueExpiredFor: new Set(), receiveMaximums: new Set(), noLocalMessages: 0, noLocalFor: new Set(), takenOverMessages: 0, takenOverFor: new Set(), takenOverIds: new Set(), takenOverByPublisher: false, unsubscribedMessages: 0, unsubscribedFor: new Set(), unsubscribeFrames: new Set(), untraced: 0, untracedMost: 0, frames: new FrameSet(), brokers: new Set() };
      this.topics.set(key, t);
    }
    return t;
  }

  private publish(e: MqttEvent): void {
    const name = e.topic;
    if (name === undefined || name === '') return;
    if (e.direction === 'client') {
      const key = topicKey(machineOfLabel(this.machines, e.dst), name);
      // A PUBLISH that breaks the protocol (a wildcard in its topic, packet identifier 0) is no message a broker
      // delivers: diag.protocol-violation tells of it, and it is no topic anyone published to.
      if (e.malformed === undefined && violationOf(e, true) !== undefined) return;
      const responseTopic = e.properties?.responseTopic;
      if (typeof responseTopic === 'string' && this.responseTopics.size < MAX_PENDING) {
        this.responseTopics.add(topicKey(machineOfLabel(this.machines, e.dst), responseTopic));
      }
      if ((e.qos === 1 || e.qos === 2) && e.packetId !== undefined && this.inFlight.size < MAX_PENDING) this.inFlight.set(e.stream * 0x10000 + e.packetId, { key, frame: e.frame });
      if (this.lastPublish.has(e.stream) || this.lastPublish.size < MAX_PENDING) this.lastPublish.set(e.stream, e.frame);
      const t = this.topic(key, name, machineOfLabel(this.machines, e.dst), e.time);
      if (t === undefined) return;
      t.published++;
      t.lastTime = e.time;
      t.frames.add(e.frame, e.time);
      t.brokers.add(e.dst);
      if (e.retain === true) t.retained = true;
      if (t.publishers.size < 10) t.publishers.add(e.src);
      // A cut payload cannot be traced to its forwarded copies: not counted either way.
      if (e.retain !== true && e.payload?.incomplete !== true && e.malformed === undefined) {
        if (this.pending.size >= MAX_PENDING) {
          const oldest = this.pending.keys().next();
          if (oldest.done !== true) this.pending.delete(oldest.value);
        }
        const expiry = e.properties?.['messageExpiryInterval'];
        this.pending.set(e.frame, { key, time: e.time, src: e.src, stream: e.stream, expiry: typeof expiry === 'number' ? expiry : undefined });
      }
    } else {
      this.covered.add(e.src);
      // A copy the broker delivers: its source (when traced) was forwarded; the subscriber received it.
      if (e.sourceFrame !== undefined) this.pending.delete(e.sourceFrame);
      const host = machineOfLabel(this.machines, e.src);
      const t = this.topic(topicKey(host, name), name, host, e.time);
      if (t !== undefined) {
        t.brokers.add(e.src);
        t.forwarded++;
        if (e.retain === true) t.retained = true;
        if (e.sourceFrame === undefined && e.retain !== true) t.untraced++;
        if (e.sourceFrame === undefined) {
          const byStream = t.untracedByStream ??= new Map();
          if (byStream.has(e.stream) || byStream.size < MAX_EARLY_TOPICS) {
            const n = (byStream.get(e.stream) ?? 0) + 1;
            byStream.set(e.stream, n);
            t.untracedMost = Math.max(t.untracedMost, n);
          }
        }
        if (e.sourceFrame === undefined && t.published === 0) { t.lastTime = e.time; t.frames.add(e.frame, e.time); }
      }
      const subscriptions = this.byStream.get(e.stream);
      if (subscriptions !== undefined) for (const s of subscriptions) if (topicMatches(s.filter, name)) s.received++;
      if (subscriptions === undefined) {
        let early = this.receivedEarly.get(e.stream);
        if (early === undefined && this.receivedEarly.size < MAX_SUBSCRIPTIONS) this.receivedEarly.set(e.stream, early = new Set());
        if (early !== undefined && early.size < MAX_EARLY_TOPICS) early.add(name);
      }
    }
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    // Counted afresh on every call: a live view asks for the diagnoses so far before the end asks again.
    for (const t of this.topics.values()) {
      t.unforwardedCount = 0;
      t.unforwarded = new FrameSet();
      delete t.unforwardedFirst;
      t.unforwardedPublishers.clear();
      delete t.unforwardedLast;
      t.expiredMessages = 0;
      t.expiredFor.clear();
      delete t.expiredConnack;
      t.expiryIntervals.clear();
      t.queueExpiredMessages = 0;
      t.queueExpiredFor.clear();
      t.receiveMaximums.clear();
      t.noLocalMessages = 0;
      t.noLocalFor.clear();
      t.takenOverMessages = 0;
      t.takenOverFor.clear();
      t.takenOverIds.clear();
      t.takenOverByPublisher = false;
      t.unsubscribedMessages = 0;
      t.unsubscribedFor.clear();
      t.unsubscribeFrames.clear();
    }
    this.laterUnsubscribes(ctx);
    // When each broker host last sent an MQTT packet (to anyone): after a message, the sign it had its turn.
    const lastSpoke = new Map<string, number>();
    for (const r of ctx.book.all()) {
      const host = machineOfLabel(this.machines, r.server);
      const at = sentBy(r, 'server').lastMqttTime;
      if (at > (lastSpoke.get(host) ?? Number.NEGATIVE_INFINITY)) lastSpoke.set(host, at);
    }
    for (const [frame, { key, time, src, stream, expiry }] of this.pending) {
      // Too large for the subscribers that waited for it: diag.too-large-for-subscriber says so.
      if (ctx.tooLargeForSubscriber.has(frame)) continue;
      const t = this.topics.get(key);
      if (t === undefined) continue;
      // Published at the very end of the capture, the broker sending no MQTT packet after it (no copy, no PUBACK,
      // nothing to anyone): the capture stopped before the broker's turn (fixtures/faults/fault-capture-stopped-early.pcap),
      // which says nothing of the message. Only when a subscriber waited for it: else no one was there to forward it
      // to, cut or not.
      if (ctx.captureEnd - time < FORWARD_GRACE_SECONDS && (lastSpoke.get(t.host) ?? Number.NEGATIVE_INFINITY) <= time
        && this.subscribedAt(ctx, t, time)) continue;
      t.unforwardedCount++;
      t.unforwarded.add(frame, time);
      t.unforwardedFirst = Math.min(t.unforwardedFirst ?? time, time);
      t.unforwardedLast = Math.max(t.unforwardedLast ?? time, time);
      if (t.unforwardedPublishers.size < 10) t.unforwardedPublishers.add(src);
      const away = expiry !== undefined ? this.expiredWhileAway(ctx, t, time, expiry) : undefined;
      if (away !== undefined && expiry !== undefined) {
        t.expiredMessages++;
        if (t.expiredFor.size < 10) t.expiredFor.add(away.name);
        t.expiredConnack ??= away.connackFrame;
        if (t.expiryIntervals.size < 10) t.expiryIntervals.add(expiry);
      }
      const queued = away === undefined && expiry !== undefined ? this.expiredInQueue(ctx, t, time, expiry) : undefined;
      if (queued !== undefined && expiry !== undefined) {
        t.queueExpiredMessages++;
        if (t.queueExpiredFor.size < 10) t.queueExpiredFor.add(queued.name);
        if (t.receiveMaximums.size < 10) t.receiveMaximums.add(queued.receiveMaximum);
        if (t.expiryIntervals.size < 10) t.expiryIntervals.add(expiry);
      }
      const kicked = this.kickedOut(ctx, t, time, stream);
      if (kicked !== undefined) {
        t.takenOverMessages++;
        if (t.takenOverFor.size < 10) t.takenOverFor.add(kicked.name);
        t.takenOverIds.add(kicked.clientId);
        if (kicked.byPublisher) t.takenOverByPublisher = true;
      }
      const self = this.noLocalSelf(ctx, t, stream, time);
      if (self !== undefined) {
        t.noLocalMessages++;
        t.noLocalFor.add(self);
      }
      const left = this.unsubscribedBefore(ctx, t, time);
      if (left.length > 0) {
        t.unsubscribedMessages++;
        for (const u of left) {
          if (t.unsubscribedFor.size < 10) t.unsubscribedFor.add(u.name);
          if (t.unsubscribeFrames.size < 10) t.unsubscribeFrames.add(u.frame);
        }
      }
    }
    // Each broker's topics (name, messages), in the order they were first seen.
    const counts = new Map<string, Array<[string, number]>>();
    for (const t of this.topics.values()) {
      const list = counts.get(t.host) ?? [];
      list.push([t.name, messagesOf(t)]);
      counts.set(t.host, list);
    }
    /** Topic key → a similar filter subscribed to on that broker. */
    const mismatched = new Map<string, string>();
    const seen = new Set<string>();
    /** Subscriptions whose filter was refused, in its SUBACK or by the broker closing the connection on it: no subscription to compare. */
    const refused = (x: SubscriptionRecord): boolean => x.refused || (!x.answered && closedRightAfter(ctx.book.get(x.stream), x.time));
    for (const s of this.subscriptions) {
      if (refused(s)) continue;
      const r = ctx.book.get(s.stream);
      const subscriber = r !== undefined ? clientName(r) : String(s.stream);
      const key = `${subscriber}|${s.filter}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const onBroker = counts.get(s.host) ?? [];
      const matching = onBroker.filter(([name]) => topicMatches(s.filter, name));
      if (matching.length === 0) {
        if (this.responseTopics.has(topicKey(s.host, s.filter))) continue;
        const closest = closestTopic(s.filter, onBroker);
        if (closest === undefined) continue;
        mismatched.set(topicKey(s.host, closest.topic), s.filter);
        const t = this.topics.get(topicKey(s.host, closest.topic))!;
        // Every subscriber of this same filter on this broker misses the same topic: one statement names them all.
        const frames = new FrameSet();
        const subscribers = [subscriber];
        for (const x of this.subscriptions) {
          if (x.filter !== s.filter || x.host !== s.host || refused(x)) continue;
          const xr = ctx.book.get(x.stream);
          const name = xr !== undefined ? clientName(xr) : String(x.stream);
          seen.add(`${name}|${s.filter}`);
          if (!subscribers.includes(name) && subscribers.length < 20) subscribers.push(name);
          frames.add(x.frame, x.time);
        }
        // The SUBSCRIBEs first, then the publishes: the evidence keeps the first frames added.
        frames.merge(t.frames);
        const d = closest.difference;
        // The members of one shared subscription group are copies of one program: they agree on the filter by
        // design, which says nothing of which side is mistyped. They are named as the group's members.
        const shared = sharedSubscriptionPrefix(s.filter) !== '';
        const sameFilter = shared ? 1 : subscribers.length;
        // Said from the topic's side when the subscribers agree: what the topic lacks, has extra or swapped.
        const inTopic = sameFilter > 1 && d.edit !== undefined;
        const edit = d.edit === undefined ? undefined : inTopic
          ? { ...d.edit, op: d.edit.op === 'missing' ? 'extra' : d.edit.op === 'extra' ? 'missing' : d.edit.op, typed: d.edit.meant, meant: d.edit.typed }
          : d.edit;
        emit(makeDiagnosis({
          code: 'diag.topic-mismatch', layer: 'mqtt', frames, time: frames.firstTime ?? s.time, stream: s.stream, ...(r !== undefined ? { src: r.client, dst: r.server } : {}),
          facts: {
            filter: s.filter, topic: closest.topic, difference: d.kind, subscriber, published: messagesOf(t),
            ...(edit !== undefined ? { op: edit.op, typed: edit.typed, meant: edit.meant, distance: edit.distance } : {}),
            ...(d.wildcard !== undefined ? { wildcardRule: d.wildcard.rule, suggestion: d.wildcard.suggestion } : {}),
            ...(d.slashes !== undefined ? { slashes: d.slashes } : {}),
            ...(sameFilter > 1 ? { sameFilter, subscribers, publishers: publisherNames(ctx, t.publishers) } : {}), ...(inTopic ? { typoIn: 'topic' } : {}),
            ...(shared ? { groupMembers: subscribers } : {}),
          },
          causes: ['topic-typo'], checks: ['topic-spelling'],
        }));
        continue;
      }
      if (s.received > 0) continue;
      // It had the messages before it subscribed (again): its session was kept (CONNACK session present 1), or the
      // broker sent it matching copies before this SUBSCRIBE: not a subscriber that came too late.
      if (r?.connack?.sessionPresent === true) continue;
      const early = this.receivedEarly.get(s.stream);
      if (early !== undefined && [...early].some((name) => topicMatches(s.filter, name))) continue;
      const records = matching.map(([name]) => this.topics.get(topicKey(s.host, name))!);
      if (records.some((t) => t.retained || t.lastTime >= s.time)) continue;
      const missed = records.reduce((n, t) => n + messagesOf(t), 0);
      const lastPublishedAt = Math.max(...records.map((t) => t.lastTime));
      const frames = new FrameSet();
      for (const t of records) frames.merge(t.frames);
      frames.add(s.frame, s.time);
      // Timed at the first message it missed (its evidence's first frame); subscribedAt says when it subscribed.
      emit(makeDiagnosis({
        code: 'diag.subscribed-too-late', layer: 'mqtt', frames, time: frames.firstTime ?? s.time, stream: s.stream, ...(r !== undefined ? { src: r.client, dst: r.server } : {}),
        facts: { subscriber, filter: s.filter, subscribedAt: Number(s.time.toFixed(6)), missed, lastPublishedAt: Number(lastPublishedAt.toFixed(6)) },
        causes: ['subscriber-started-late'], checks: ['start-order', 'subscriber-running'],
      }));
    }
    this.nobody(ctx, mismatched, this.nearMisses(ctx, mismatched, refused), emit);
  }

  /**
   * Subscribers whose accepted subscription matches the topic and covered every unforwarded publish to it (made
   * before the first, its session still open after the last).
   */
  private waiting(ctx: FinishContext, t: TopicRecord): string[] {
    if (t.unforwardedFirst === undefined || t.unforwardedLast === undefined) return [];
    const out: string[] = [];
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.noLocal || s.host !== t.host || s.time >= t.unforwardedFirst || !topicMatches(s.filter, t.name)) continue;
      if (s.unsubscribed !== undefined && s.unsubscribed.time < t.unforwardedLast) continue;
      const r = ctx.book.get(s.stream);
      if (r === undefined) continue;
      const end = sessionEndOf(r)?.time ?? Number.POSITIVE_INFINITY;
      if (end > t.unforwardedLast) out.push(clientName(r));
    }
    return out;
  }

  /**
   * The messages never reached the broker, or could not reach a subscriber, for TCP: the broker never acknowledged
   * what their publishers sent from before the first of them on (a firewall or broken path dropped it), or the
   * broker's data to a matching subscriber was stuck unacknowledged from before them (its path cut: what the broker
   * forwards waits in its send buffer, unseen). No broker dropped them, no subscriber was missing.
   */
  private stuckOnTheWay(ctx: FinishContext, records: ConnectionRecord[], t: TopicRecord): boolean {
    const first = t.unforwardedFirst;
    if (first === undefined) return false;
    const publishers = t.unforwardedPublishers.size > 0 ? t.unforwardedPublishers : t.publishers;
    const neverReceived = publishers.size > 0 && [...publishers].every((label) => records.some((r) => r.client === label
      && (sentBy(r, 'client').unackedSince ?? Number.POSITIVE_INFINITY) <= first && ctx.captureEnd - first >= UNDELIVERED_SECONDS));
    if (neverReceived) return true;
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.noLocal || s.host !== t.host || s.time >= first || !topicMatches(s.filter, t.name)) continue;
      const r = ctx.book.get(s.stream);
      if (r === undefined || (sessionEndOf(r)?.time ?? Number.POSITIVE_INFINITY) <= first) continue;
      const since = sentBy(r, 'server').unackedSince;
      if (since !== undefined && since <= first && ctx.captureEnd - since >= UNDELIVERED_SECONDS) return true;
    }
    return false;
  }

  /** Whether a subscriber's accepted subscription matching the topic was in place at `time` (its session still open). */
  private subscribedAt(ctx: FinishContext, t: TopicRecord, time: number): boolean {
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.host !== t.host || s.time >= time || !topicMatches(s.filter, t.name)) continue;
      if (s.unsubscribed !== undefined && s.unsubscribed.time < time) continue;
      const r = ctx.book.get(s.stream);
      if (r !== undefined && (sessionEndOf(r)?.time ?? Number.POSITIVE_INFINITY) > time) return true;
    }
    return false;
  }

  /**
   * A subscriber whose accepted subscription matches the topic, made before this message was published at `time`,
   * and whose connection the broker had closed before it because another connection CONNECTed with its client id (a
   * takeover: the session ended as taken over, or closed by the broker within TAKEOVER_WINDOW_SECONDS after that
   * CONNECT): kicked out, it was not subscribed when the message came. Its name, the client id, and whether the
   * connection that took the id over is the one that published the message (a publisher given the subscriber's id).
   */
  private kickedOut(ctx: FinishContext, t: TopicRecord, time: number, stream: number): { name: string; clientId: string; byPublisher: boolean } | undefined {
    let out: { name: string; clientId: string; byPublisher: boolean; end: number } | undefined;
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.noLocal || s.host !== t.host || s.time >= time || !topicMatches(s.filter, t.name)) continue;
      const r = ctx.book.get(s.stream);
      const clientId = r?.connect?.clientId;
      const end = r !== undefined ? sessionEndOf(r) : undefined;
      if (r === undefined || clientId === undefined || clientId === '' || end === undefined || end.time > time) continue;
      const taker = takerOf(ctx, this.machines, r, end);
      if (taker === undefined) continue;
      // The latest such subscriber: the one the message would have reached.
      if (out === undefined || end.time > out.end) out = { name: clientName(r), clientId, byPublisher: taker.stream === stream, end: end.time };
    }
    return out === undefined ? undefined : { name: out.name, clientId: out.clientId, byPublisher: out.byPublisher };
  }

  /**
   * Subscribers with a persistent session (clean session 0, or an MQTT 5 Session Expiry Interval above 0, as paho
   * MQTT 5 clients connect first with clean start 1) whose accepted subscription matches the topic, whose
   * connection had ended before the first unforwarded publish, and whose next connection (same client id and broker),
   * made after the last, got CONNACK session present 0: the broker had not kept the session, and what it queued went
   * with it. Their names, and the frame and Session Expiry Interval of the first such reconnect's CONNACK and CONNECT.
   */
  private expired(ctx: FinishContext, t: TopicRecord): { names: string[]; connackFrame: number; sessionExpiry?: number } | undefined {
    if (t.unforwardedFirst === undefined || t.unforwardedLast === undefined) return undefined;
    let out: { names: string[]; connackFrame: number; sessionExpiry?: number } | undefined;
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.noLocal || s.host !== t.host || !topicMatches(s.filter, t.name)) continue;
      const r = ctx.book.get(s.stream);
      const clientId = r?.connect?.clientId;
      const end = r !== undefined ? sessionEndOf(r)?.time : undefined;
      if (r?.connect === undefined || !keepsSession(r.connect) || clientId === undefined || clientId === '' || end === undefined || end > t.unforwardedFirst) continue;
      let next: typeof r | undefined;
      for (const x of ctx.book.all()) {
        if (x.connect?.clientId !== clientId || machineOfLabel(this.machines, x.server) !== machineOfLabel(this.machines, r.server) || x.connect.time <= end) continue;
        if (next === undefined || x.connect.time < next.connect!.time) next = x;
      }
      if (next?.connack?.sessionPresent !== false || next.connect!.time < t.unforwardedLast) continue;
      const who = clientName(r);
      if (out === undefined) {
        out = { names: [], connackFrame: next.connack.frame, ...(r.connect.sessionExpiry !== undefined ? { sessionExpiry: r.connect.sessionExpiry } : {}) };
      }
      if (!out.names.includes(who) && out.names.length < 10) out.names.push(who);
    }
    return out;
  }

  /**
   * A connected MQTT 5 subscriber whose accepted subscription matches the topic, whose Receive Maximum was used up when
   * this message was published at `time` (as many of the broker's QoS 1/2 copies unacknowledged), and whose
   * connection was still open after its Message Expiry Interval `expiry` had run out: the broker held the message in
   * its queue behind the unacknowledged copies and dropped it when it expired (MQTT-3.3.2-5), never sending it. Its
   * name and Receive Maximum.
   */
  private expiredInQueue(ctx: FinishContext, t: TopicRecord, time: number, expiry: number): { name: string; receiveMaximum: number } | undefined {
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.host !== t.host || s.time >= time || !topicMatches(s.filter, t.name)) continue;
      const w = this.windows.get(s.stream);
      if (w === undefined || !w.full.some((f) => f.from <= time && (f.until === undefined || f.until > time))) continue;
      const r = ctx.book.get(s.stream);
      const end = r !== undefined ? sessionEndOf(r)?.time : undefined;
      if (r === undefined || (end !== undefined && end < time + expiry)) continue;
      return { name: clientName(r), receiveMaximum: w.max };
    }
    return undefined;
  }

  /**
   * A persistent subscriber (MQTT 3.1.1 clean session 0, or an MQTT 5 Session Expiry Interval above 0) whose accepted
   * subscription matches the topic, whose connection had ended before this message was published at `time`, and
   * whose next connection (same client id and broker) came after its Message Expiry Interval `expiry` had run out and
   * got CONNACK session present 1: the broker kept the session but the message expired in its queue (MQTT-3.3.2-5).
   * Its name and that CONNACK's frame.
   */
  private expiredWhileAway(ctx: FinishContext, t: TopicRecord, time: number, expiry: number): { name: string; connackFrame: number } | undefined {
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.host !== t.host || s.time >= time || !topicMatches(s.filter, t.name)) continue;
      const r = ctx.book.get(s.stream);
      const clientId = r?.connect?.clientId;
      const end = r !== undefined ? sessionEndOf(r)?.time : undefined;
      if (r?.connect === undefined || clientId === undefined || clientId === '' || end === undefined || end > time) continue;
      if (!keepsSession(r.connect)) continue;
      let next: typeof r | undefined;
      for (const x of ctx.book.all()) {
        if (x.connect?.clientId !== clientId || machineOfLabel(this.machines, x.server) !== machineOfLabel(this.machines, r.server) || x.connect.time <= end) continue;
        if (next === undefined || x.connect.time < next.connect!.time) next = x;
      }
      if (next?.connack?.sessionPresent !== true || next.connect!.time <= time + expiry) continue;
      return { name: clientName(r), connackFrame: next.connack.frame };
    }
    return undefined;
  }

  /**
   * An UNSUBSCRIBE on a later connection of a persistent session removes the subscription an earlier connection made:
   * from the unsubscribing connection back, while its CONNACK said session present 1 (the broker kept the session),
   * to the client's previous connection (same client id, same broker), the first one holding an accepted subscription
   * of that exact filter, made before and not unsubscribed, has it marked unsubscribed there. A connection whose
   * CONNACK said session present 0 (clean session, or a session the broker had not kept) ends the search: its
   * UNSUBSCRIBE removed nothing. Idempotent (a live view asks before the end).
   */
  private laterUnsubscribes(ctx: FinishContext): void {
    for (const u of this.unsubscribedElsewhere) {
      let cur = ctx.book.get(u.stream);
      const clientId = cur?.connect?.clientId;
      if (cur === undefined || clientId === undefined || clientId === '') continue;
      const broker = machineOfLabel(this.machines, cur.server);
      for (let hops = 0; cur?.connect !== undefined && cur.connack?.sessionPresent === true && hops < MAX_SESSION_HOPS; hops++) {
        const before: number = cur.connect.time;
        let prev: ConnectionRecord | undefined;
        for (const x of ctx.book.all()) {
          if (x.connect?.clientId !== clientId || machineOfLabel(this.machines, x.server) !== broker || x.connect.time >= before) continue;
          if (prev === undefined || x.connect.time > prev.connect!.time) prev = x;
        }
        if (prev === undefined) break;
        const held = (this.byStream.get(prev.stream) ?? []).filter((s) => s.filter === u.filter && s.answered && !s.refused && s.time < u.time);
        if (held.length > 0) {
          for (const s of held) if (s.unsubscribed === undefined) s.unsubscribed = { frame: u.frame, time: u.time, stream: u.stream };
          break;
        }
        cur = prev;
      }
    }
  }

  /**
   * The publisher itself, when its own accepted subscription with MQTT 5 No Local, made before it published on
   * `stream` at `time`, matches the topic: the broker does not send a client its own messages back, so no one else
   * having subscribed, the message went to no one. Its name.
   */
  /**
   * The subscribers whose accepted subscription matching the topic they had UNSUBSCRIBEd (acknowledged) before the
   * message was published at `time`, their connection still open then, when no subscription matching it stood at that
   * time: their names and UNSUBSCRIBE frames. Empty when a subscription still stood (the message went missing for
   * another reason).
   */
  private unsubscribedBefore(ctx: FinishContext, t: TopicRecord, time: number): Array<{ name: string; frame: number }> {
    if (this.subscribedAt(ctx, t, time)) return [];
    const out: Array<{ name: string; frame: number }> = [];
    for (const s of this.subscriptions) {
      if (s.unsubscribed === undefined || s.unsubscribed.time >= time || s.refused || !s.answered || s.host !== t.host || !topicMatches(s.filter, t.name)) continue;
      // The connection that unsubscribed: this one, or a later one of the same persistent session.
      const r = ctx.book.get(s.unsubscribed.stream);
      if (r === undefined || (sessionEndOf(r)?.time ?? Number.POSITIVE_INFINITY) < s.unsubscribed.time) continue;
      out.push({ name: clientName(r), frame: s.unsubscribed.frame });
    }
    return out;
  }

  private noLocalSelf(ctx: FinishContext, t: TopicRecord, stream: number, time: number): string | undefined {
    for (const s of this.byStream.get(stream) ?? []) {
      if (!s.noLocal || s.refused || !s.answered || s.time >= time || !topicMatches(s.filter, t.name)) continue;
      const r = ctx.book.get(stream);
      return r !== undefined ? clientName(r) : String(stream);
    }
    return undefined;
  }

  /**
   * Subscribers of another broker host in the capture whose accepted subscription matches the topic and that were
   * subscribed while it was published to this one (subscribed before the last unforwarded publish, session open
   * after the first): their names and their brokers ("ip:port").
   */
  private elsewhere(ctx: FinishContext, t: TopicRecord): { subscribers: Set<string>; brokers: Set<string> } {
    const out = { subscribers: new Set<string>(), brokers: new Set<string>() };
    if (t.unforwardedFirst === undefined || t.unforwardedLast === undefined) return out;
    for (const s of this.subscriptions) {
      if (s.refused || !s.answered || s.host === t.host || s.time >= t.unforwardedLast || !topicMatches(s.filter, t.name)) continue;
      const r = ctx.book.get(s.stream);
      if (r === undefined || (sessionEndOf(r)?.time ?? Number.POSITIVE_INFINITY) < t.unforwardedFirst) continue;
      if (out.subscribers.size < 10) out.subscribers.add(clientName(r));
      if (out.brokers.size < 10) out.brokers.add(r.server);
    }
    return out;
  }

  /**
   * Topics published to no one (not already a diag.topic-mismatch) that look like a filter some subscriber of the same
   * broker did subscribe to: the subscription works for the topics it matches, so the publisher's topic is the one
   * typed differently (an extra space, a look-alike character, a typing mistake). Topic key → that filter, its
   * subscriber and how they differ.
   */
  private nearMisses(ctx: FinishContext, mismatched: Map<string, string>, refused: (x: SubscriptionRecord) => boolean): Map<string, NearMiss> {
    const out = new Map<string, NearMiss>();
    for (const [key, t] of this.topics) {
      if (t.unforwardedCount <= t.untraced || mismatched.has(key)) continue;
      let best: NearMiss | undefined;
      const tried = new Set<string>();
      for (const s of this.subscriptions) {
        if (s.host !== t.host || tried.has(s.filter) || refused(s)) continue;
        tried.add(s.filter);
        if (tried.size > 200) break;
        const difference = compareFilterToTopic(s.filter, t.name);
        if (difference === undefined || !nearEnough(difference) || (best !== undefined && difference.score >= best.difference.score)) continue;
        const r = ctx.book.get(s.stream);
        best = { filter: s.filter, subscriber: r !== undefined ? clientName(r) : String(s.stream), difference };
      }
      if (best !== undefined) out.set(key, best);
    }
    return out;
  }

  private nobody(ctx: FinishContext, mismatched: Map<string, string>, near: Map<string, NearMiss>, emit: (finding: FindingEvent) => void): void {
    const records = [...ctx.book.all()].filter(isMqtt);
    // Brokers that sent MQTT in the capture: their delivery side is in it.
    const speaking = new Set(records.filter((r) => sentBy(r, 'server').mqtt > 0).map((r) => r.server));
    const groups = new Map<string, {
      topics: string[]; count: number; frames: FrameSet; publishers: Set<string>; time: number; said: boolean; similar: string[]; waiting: Set<string>;
      near: Array<{ topic: string; miss: NearMiss }>;
      expired?: { names: string[]; connackFrame: number; sessionExpiry?: number } | undefined;
      elsewhere: Set<string>; otherBrokers: Set<string>;
      expiredMessages: number; expiredFor: Set<string>; expiredConnack?: number | undefined; expiryIntervals: Set<number>;
      queueExpiredMessages: number; queueExpiredFor: Set<string>; receiveMaximums: Set<number>;
      noLocalMessages: number; noLocalFor: Set<string>;
      takenOverMessages: number; takenOverFor: Set<string>; takenOverIds: Set<string>; takenOverByPublisher: boolean;
      unsubscribedMessages: number; unsubscribedFor: Set<string>; unsubscribeFrames: Set<number>;
      saidFrames: FrameSet; saidAcks: Set<string>;
    }>();
    for (const [key, t] of this.topics) {
      if (t.unforwardedCount <= t.untraced) continue;
      const name = t.name;
      // The broker said so (MQTT 5 reason 0x10), or the capture shows its delivery side (someone subscribed to
      // it, or it delivered something, and it speaks in the capture); else the subscribers may be elsewhere. A
      // subscriber of another broker in the capture, subscribed to the topic while it was published here, is.
      const said = this.noMatching.get(key) !== undefined;
      const broker = [...t.brokers].find((b) => this.covered.has(b) && speaking.has(b));
      const other = this.elsewhere(ctx, t);
      if (!said && broker === undefined && (other.subscribers.size === 0 || ![...t.brokers].some((b) => speaking.has(b)))) continue;
      if (this.stuckOnTheWay(ctx, records, t)) continue;
      const group = broker ?? [...t.brokers][0] ?? '';
      const first = t.unforwardedFirst ?? t.firstTime;
      const g = groups.get(group) ?? { topics: [], count: 0, frames: new FrameSet(), publishers: new Set<string>(), time: first, said: false, similar: [], near: [], waiting: new Set<string>(), elsewhere: new Set<string>(), otherBrokers: new Set<string>(),
        expiredMessages: 0, expiredFor: new Set<string>(), expiryIntervals: new Set<number>(), noLocalMessages: 0, noLocalFor: new Set<string>(),
        queueExpiredMessages: 0, queueExpiredFor: new Set<string>(), receiveMaximums: new Set<number>(),
        takenOverMessages: 0, takenOverFor: new Set<string>(), takenOverIds: new Set<string>(), takenOverByPublisher: false,
        unsubscribedMessages: 0, unsubscribedFor: new Set<string>(), unsubscribeFrames: new Set<number>(), saidFrames: new FrameSet(), saidAcks: new Set<string>() };
      for (const w of this.waiting(ctx, t)) g.waiting.add(w);
      g.expired ??= this.expired(ctx, t);
      for (const w of other.subscribers) if (g.elsewhere.size < 10) g.elsewhere.add(w);
      for (const b of other.brokers) if (g.otherBrokers.size < 10) g.otherBrokers.add(b);
      g.topics.push(name);
      g.count += t.unforwardedCount - t.untraced;
      g.expiredMessages += t.expiredMessages;
      for (const n of t.expiredFor) if (g.expiredFor.size < 10) g.expiredFor.add(n);
      g.expiredConnack ??= t.expiredConnack;
      for (const n of t.expiryIntervals) if (g.expiryIntervals.size < 10) g.expiryIntervals.add(n);
      g.queueExpiredMessages += t.queueExpiredMessages;
      for (const n of t.queueExpiredFor) if (g.queueExpiredFor.size < 10) g.queueExpiredFor.add(n);
      for (const n of t.receiveMaximums) if (g.receiveMaximums.size < 10) g.receiveMaximums.add(n);
      g.noLocalMessages += t.noLocalMessages;
      for (const n of t.noLocalFor) if (g.noLocalFor.size < 10) g.noLocalFor.add(n);
      g.takenOverMessages += t.takenOverMessages;
      for (const n of t.takenOverFor) if (g.takenOverFor.size < 10) g.takenOverFor.add(n);
      for (const n of t.takenOverIds) if (g.takenOverIds.size < 10) g.takenOverIds.add(n);
      g.takenOverByPublisher ||= t.takenOverByPublisher;
      g.unsubscribedMessages += t.unsubscribedMessages;
      for (const n of t.unsubscribedFor) if (g.unsubscribedFor.size < 10) g.unsubscribedFor.add(n);
      for (const n of t.unsubscribeFrames) if (g.unsubscribeFrames.size < 10) g.unsubscribeFrames.add(n);
      g.frames.merge(t.unforwarded);
      for (const p of t.unforwardedPublishers.size > 0 ? t.unforwardedPublishers : t.publishers) g.publishers.add(p);
      g.time = Math.min(g.time, first);
      g.said ||= said;
      const saidFrames = this.noMatching.get(key);
      if (saidFrames !== undefined) g.saidFrames.merge(saidFrames);
      for (const a of this.noMatchingAcks.get(key) ?? []) g.saidAcks.add(a);
      const similar = mismatched.get(key);
      if (similar !== undefined) g.similar.push(similar);
      const miss = near.get(key);
      if (miss !== undefined) {
        g.similar.push(miss.filter);
        if (g.near.length < 5) g.near.push({ topic: name, miss });
      }
      groups.set(group, g);
    }
    for (const [broker, g] of groups) {
      const sessions = records.filter((r) => r.server === broker);
      const late = sessions.some((r) => r.connect === undefined);
      const confidence: Confidence = g.said || !late ? 'high' : 'low';
      // One name per publisher: a client that reconnected (new port) is still one client.
      const publishers = [...new Set([...g.publishers].map((label) => {
        const r = sessions.find((x) => x.client === label) ?? records.find((x) => x.client === label);
        return r !== undefined ? clientName(r) : label;
      }))];
      const typo = g.similar.length > 0;
      // A subscriber whose filter matches was subscribed all along, yet got nothing: the broker dropped the messages.
      const dropped = g.waiting.size > 0;
      // The same broker refused another message for its size: MQTT 3.1.1 messages over the limit are dropped silently.
      const sizeLimit = dropped && this.sizeLimited.has(broker);
      // Subscribed to the topic on another broker of the capture while it was published here: two brokers, and the
      // publisher and the subscriber each pointed at a different one.
      const otherBroker = !dropped && g.elsewhere.size > 0;
      // A persistent subscriber away while they were published, whose session the broker no longer had on its return.
      const expired = !dropped && !typo && !otherBroker ? g.expired : undefined;
      // Messages that expired in the queue of a persistent subscriber away (MQTT 5 Message Expiry Interval), and
      // messages whose only subscriber was their publisher, under No Local: all of them, or some.
      const messageExpired = !dropped && !otherBroker && g.expiredMessages > 0 ? Math.min(g.expiredMessages, g.count) : 0;
      const noLocal = !dropped && !otherBroker && g.noLocalMessages > 0 ? Math.min(g.noLocalMessages, g.count) : 0;
      // Messages that expired in the broker's queue for a connected subscriber whose Receive Maximum was used up: a
      // subscriber waiting for them (dropped) is what this explains.
      const queueExpired = !otherBroker && g.queueExpiredMessages > 0 ? Math.min(g.queueExpiredMessages, g.count) : 0;
      // Messages published while a matching subscriber was kicked out by a takeover of its client id.
      const takenOver = !dropped && !otherBroker && g.takenOverMessages > 0 ? Math.min(g.takenOverMessages, g.count) : 0;
      // Messages published after their subscribers had unsubscribed (UNSUBSCRIBE answered by UNSUBACK).
      const unsubscribed = !dropped && !otherBroker && g.unsubscribedMessages > 0 ? Math.min(g.unsubscribedMessages, g.count) : 0;
      const explained = messageExpired + queueExpired + noLocal + takenOver + unsubscribed >= g.count;
      // Published to the broker's own $SYS tree: the broker takes no client's message there, whoever subscribed.
      const sysTopics = g.topics.filter(isSysTopic);
      const sys = sysTopics.length > 0;
      const usual: { causes: string[]; checks: string[] } = sys && sysTopics.length === g.topics.length ? { causes: ['sys-topic'], checks: ['sys-topic', 'broker-log'] }
        : sys ? { causes: ['sys-topic', 'no-subscriber', 'topic-typo'], checks: ['sys-topic', 'subscriber-running', 'topic-spelling'] }
        : sizeLimit ? { causes: ['size-limit-dropped', 'acl-denies-publish'], checks: ['broker-limits', 'acl-file', 'broker-log'] }
        : dropped ? { causes: ['acl-denies-publish', 'broker-dropped'], checks: ['acl-file', 'broker-log'] }
        : otherBroker ? { causes: ['other-broker'], checks: ['same-broker'] }
        : explained ? { causes: [], checks: [] }
        : typo ? { causes: ['topic-typo', 'no-subscriber'], checks: ['topic-spelling', 'subscriber-running'] }
        : expired !== undefined ? { causes: ['session-expired', 'no-subscriber'], checks: ['session-expiry', 'subscriber-running'] }
        : { causes: ['no-subscriber', 'topic-typo'], checks: ['subscriber-running', 'topic-spelling', 'capture-covers-subscribers'] };
      // Explained wholly, these come first; else after the usual causes.
      const mine = { causes: [...(unsubscribed > 0 ? ['subscriber-unsubscribed'] : []), ...(takenOver > 0 ? ['subscriber-taken-over'] : []), ...(messageExpired > 0 ? ['message-expired'] : []), ...(queueExpired > 0 ? ['expired-behind-receive-maximum'] : []), ...(noLocal > 0 ? ['no-local-own-messages'] : [])],
        checks: [...(unsubscribed > 0 ? ['unsubscribe-intended'] : []), ...(takenOver > 0 ? ['unique-client-id'] : []), ...(messageExpired > 0 ? ['message-expiry'] : []), ...(queueExpired > 0 ? ['receive-maximum-acks'] : []), ...(noLocal > 0 ? ['no-local-option'] : [])] };
      const causes = explained ? mine.causes : [...usual.causes, ...mine.causes];
      const checks = explained ? mine.checks : [...usual.checks, ...mine.checks];
      emit(makeDiagnosis({
        code: 'diag.published-to-nobody', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? g.time, dst: broker,
        facts: {
          topic: g.topics[0]!, topics: g.topics.slice(0, 10), count: g.count, publishers, broker, ...(typo ? { similarFilters: g.similar } : {}),
          ...(g.near.length > 0 ? {
            nearTopics: g.near.map((x) => x.topic), nearFilters: g.near.map((x) => x.miss.filter), nearSubscribers: g.near.map((x) => x.miss.subscriber),
            nearKinds: g.near.map((x) => x.miss.difference.kind), nearOps: g.near.map((x) => { const op = x.miss.difference.edit?.op ?? ''; return op === 'missing' ? 'extra' : op === 'extra' ? 'missing' : op; }),
            // Said from the topic's side: what the topic has extra, lacks or has instead of the filter's.
            nearTyped: g.near.map((x) => x.miss.difference.edit?.meant ?? ''), nearMeant: g.near.map((x) => x.miss.difference.edit?.typed ?? ''),
            nearDistances: g.near.map((x) => x.miss.difference.edit?.distance ?? 0),
            nearWildcards: g.near.map((x) => x.miss.difference.wildcard?.suggestion ?? ''), nearWildcardRules: g.near.map((x) => x.miss.difference.wildcard?.rule ?? ''),
            nearSlashes: g.near.map((x) => (x.miss.difference.slashes ?? []).join(',')),
          } : {}),
          // The broker's own word: its MQTT 5 PUBACK/PUBREC reason code 0x10 No matching subscribers.
          ...(g.saidFrames.count > 0 ? { noMatchingCount: Math.min(g.saidFrames.count, g.count), noMatchingAcks: [...g.saidAcks].sort(), noMatchingFrames: (g.saidFrames.evidence().frames ?? []).slice(0, 10) } : {}),
          ...(sys ? { sysTopics: sysTopics.slice(0, 10) } : {}),
          ...(dropped ? { subscribers: [...g.waiting].slice(0, 10) } : {}),
          ...(otherBroker ? { otherSubscribers: [...g.elsewhere], otherBrokers: [...g.otherBrokers] } : {}),
          ...(expired !== undefined && !explained ? { expiredSessions: expired.names, connackFrame: expired.connackFrame, ...(expired.sessionExpiry !== undefined ? { sessionExpiry: expired.sessionExpiry } : {}) } : {}),
          ...(messageExpired > 0 ? { expiredMessages: messageExpired, expiredFor: [...g.expiredFor], messageExpiry: [...g.expiryIntervals].sort((a, b) => a - b), ...(g.expiredConnack !== undefined ? { backFrame: g.expiredConnack } : {}) } : {}),
          ...(queueExpired > 0 ? { queueExpiredMessages: queueExpired, queueExpiredFor: [...g.queueExpiredFor], receiveMaximum: [...g.receiveMaximums].sort((a, b) => a - b), ...(messageExpired === 0 ? { messageExpiry: [...g.expiryIntervals].sort((a, b) => a - b) } : {}) } : {}),
          ...(noLocal > 0 ? { noLocalMessages: noLocal, noLocalSubscribers: [...g.noLocalFor] } : {}),
          ...(unsubscribed > 0 ? { unsubscribedMessages: unsubscribed, unsubscribedSubscribers: [...g.unsubscribedFor], unsubscribeFrames: [...g.unsubscribeFrames].sort((a, b) => a - b) } : {}),
          ...(takenOver > 0 ? { takenOverMessages: takenOver, takenOverSubscribers: [...g.takenOverFor], takenOverIds: [...g.takenOverIds], ...(g.takenOverByPublisher ? { takenOverByPublisher: true } : {}) } : {}),
        },
        causes, checks,
        confidence,
      }));
    }
  }
}

/**
 * Whether the broker keeps the client's session after its connection ends, by its CONNECT: clean session 0 (MQTT
 * 3.1.1; MQTT 5 keeps it only for its Session Expiry Interval, 0 when absent, and says so on return with session present),
 * or an MQTT 5 Session Expiry Interval above 0, whatever its clean start (which only drops an earlier session).
 */
function keepsSession(connect: { persistent?: true; sessionExpiry?: number }): boolean {
  return connect.persistent === true || (connect.sessionExpiry ?? 0) > 0;
}

/**
 * How many messages were published to the topic: the client publishes seen, and those seen only as the broker's copies
 * (the most any one subscriber received untraced). Not the copies: a message delivered to several subscribers, or to a
 * shared subscription and a plain one, is one message.
 */
function messagesOf(t: TopicRecord): number {
  return t.published + t.untracedMost;
}

/** The publishers' names ("ip:port" labels to client names; a client that reconnected, on a new port, is named once). */
function publisherNames(ctx: FinishContext, labels: Iterable<string>): string[] {
  const wanted = new Set(labels);
  const names = new Map<string, string>();
  for (const r of ctx.book.all()) if (wanted.has(r.client) && !names.has(r.client)) names.set(r.client, clientName(r));
  return [...new Set([...wanted].map((label) => names.get(label) ?? label))];
}

/**
 * The connection that took the client id of `r` over, when its session ended so: ended as taken over (the
 * lifecycle names the taker), or closed by the broker (FIN, RST, MQTT 5 DISCONNECT 0x8E) within
 * TAKEOVER_WINDOW_SECONDS after another connection CONNECTed with the same client id to the same broker.
 */
function takerOf(ctx: FinishContext, machines: MachineBook, r: ConnectionRecord, end: { reason: string; closedBy?: string; time: number; reasonCode?: number }): ConnectionRecord | undefined {
  if (r.sessionEnd?.takenOverBy !== undefined) return ctx.book.get(r.sessionEnd.takenOverBy.stream);
  const byBroker = end.reason === 'taken-over' || end.reason === 'broker-closed' || (end.reason === 'broker-disconnect' && end.reasonCode === 0x8e)
    || (end.reason === 'reset' && end.closedBy === 'server');
  if (!byBroker || r.connect === undefined) return undefined;
  for (const x of ctx.book.all()) {
    if (x === r || x.connect === undefined || x.connect.clientId !== r.connect.clientId || machineOfLabel(machines, x.server) !== machineOfLabel(machines, r.server)) continue;
    if (x.connect.time >= r.connect.time && x.connect.time <= end.time && end.time - x.connect.time <= TAKEOVER_WINDOW_SECONDS) return x;
  }
  return undefined;
}
