/**
 * diag.unsubscribe-unmatched: an MQTT 5 UNSUBSCRIBE the broker answered with UNSUBACK 0x11 (no subscription existed):
 * an unsubscribe names a filter exactly as it was subscribed, character by character, so nothing was unsubscribed.
 * MQTT 3.1.1 (and 3.1) says nothing in its UNSUBACK, but a clean session (clean session 1, its CONNECT seen) starts
 * with no subscription: an UNSUBSCRIBE there of a filter the connection had not subscribed to (accepted in its SUBACK,
 * not unsubscribed since) removed nothing either, and is said so (fact `clean`). A persistent session's (clean
 * session 0) may remove a subscription made on an earlier connection: not judged.
 * Names the subscription of that connection that looks like the filter meant (same but for case, spaces, slashes or
 * a typing mistake), which stays, and counts the messages the broker still delivered on it afterwards. Reads
 * CONNECT, SUBSCRIBE/SUBACK, UNSUBSCRIBE/UNSUBACK and the broker's PUBLISHes on connections with an unmatched
 * unsubscribe. Subscriptions kept from an earlier connection of a persistent session are not compared (only this
 * connection's). Bounded: MAX_STREAMS connections (the oldest
 * forgotten), MAX_FILTERS filters per connection, MAX_PENDING requests awaiting their answer (the oldest forgotten).
 */
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { topicMatches } from '../mqtt/topic.js';
import { clientName } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';
import { editDistance, normaliseSlashes } from './topic-similarity.js';

export const MAX_STREAMS = 10_000;
export const MAX_FILTERS = 1_024;
export const MAX_PENDING = 10_000;

/** MQTT 5 UNSUBACK reason 0x11: No subscription existed. */
export const NO_SUBSCRIPTION_EXISTED = 0x11;

interface Unmatched {
  /** MQTT 3.1.1/3.1 with clean session 1: inferred from the session, not said by the broker. */
  clean: boolean;
  filters: string[];
  /** Subscriptions of the connection that look like the filters meant, and still stand. */
  similar: string[];
  /** Broker PUBLISHes the connection received on them afterwards. */
  received: number;
  /** The UNSUBSCRIBEs and their UNSUBACKs, then the PUBLISHes received on the filters that stay (each with its time). */
  frames: FrameSet;
}

/** A SUBSCRIBE or UNSUBSCRIBE awaiting its answer: its filters, and its frame and time (evidence of a mistake). */
interface Request { filters: string[]; frame: number; time: number }

/** The accepted filter of `active` that `filter` was most likely meant to be, if one is close. */
export function meantFilter(filter: string, active: Iterable<string>): string | undefined {
  const plain = (f: string): string => normaliseSlashes(f.trim()).toLowerCase();
  let best: { filter: string; distance: number } | undefined;
  for (const a of active) {
    if (a === filter) continue;
    const distance = plain(a) === plain(filter) ? 0 : editDistance(a, filter, 2);
    // A typing mistake: 1 character in short filters, 2 in longer ones.
    if (distance > (Math.min(a.length, filter.length) >= 8 ? 2 : 1)) continue;
    if (best === undefined || distance < best.distance) best = { filter: a, distance };
  }
  return best?.filter;
}

/** Forget a map's oldest entry (its first in insertion order). */
function evictOldest<K, V>(map: Map<K, V>): void {
  const oldest = map.keys().next();
  if (oldest.done !== true) map.delete(oldest.value);
}

export class UnsubscribeDetector implements Detector {
  readonly mqttTypes = ['CONNECT', 'SUBSCRIBE', 'UNSUBSCRIBE', 'SUBACK', 'UNSUBACK', 'PUBLISH'] as const;
  /** MQTT 3.1.1/3.1 connections whose CONNECT asked for a clean session: every subscription they hold is their own. */
  private readonly cleanV3 = new Set<number>();
  /** Accepted subscriptions per connection. */
  private readonly active = new Map<number, Set<string>>();
  /** SUBSCRIBE and UNSUBSCRIBE filters awaiting their answer, by stream and packet id. */
  private readonly pending = new Map<string, Request>();
  private readonly unmatched = new Map<number, Unmatched>();

  mqtt(e: MqttEvent): void {
    if (e.type === 'CONNECT') {
      if (e.direction === 'client' && e.protocolVersion !== 5 && e.protocolVersion !== undefined && e.cleanSession === true && this.cleanV3.size < MAX_STREAMS) this.cleanV3.add(e.stream);
      return;
    }
    if (e.protocolVersion !== 5 && !this.cleanV3.has(e.stream)) return;
    switch (e.type) {
      case 'SUBSCRIBE': this.request(e, (e.subscriptions ?? []).map((s) => s.topic)); break;
      case 'UNSUBSCRIBE': this.request(e, e.unsubscriptions ?? []); break;
      case 'SUBACK': this.suback(e); break;
      case 'UNSUBACK': this.unsuback(e); break;
      // Only the connections that unsubscribed from nothing look at what they receive.
      case 'PUBLISH': if (this.unmatched.size > 0) this.received(e); break;
      default: break;
    }
  }

  // The closures are in methods of their own: one in mqtt() would cost it a context per packet.
  private suback(e: MqttEvent): void {
    const filters = this.answer(e, 'SUBSCRIBE')?.filters;
    if (filters === undefined) return;
    const codes = e.reasonCodes ?? e.grantedQos ?? [];
    const active = this.activeOf(e.stream);
    filters.forEach((f, i) => { if ((codes[i] ?? 0) < 0x80 && active.size < MAX_FILTERS) active.add(f); });
  }

  /** A PUBLISH the broker sent a connection that unsubscribed from nothing, on a filter like the one it named. */
  private received(e: MqttEvent): void {
    const u = this.unmatched.get(e.stream);
    if (u === undefined || e.direction !== 'server' || e.topic === undefined) return;
    const topic = e.topic;
    if (u.similar.some((f) => topicMatches(f, topic))) { u.received++; u.frames.add(e.frame, e.time); }
  }

  private request(e: MqttEvent, filters: string[]): void {
    if (e.direction !== 'client' || e.packetId === undefined) return;
    if (this.pending.size >= MAX_PENDING) evictOldest(this.pending);
    this.pending.set(`${e.type === 'SUBSCRIBE' ? 'S' : 'U'}|${e.stream}|${e.packetId}`, { filters, frame: e.frame, time: e.time });
  }

  private answer(e: MqttEvent, request: 'SUBSCRIBE' | 'UNSUBSCRIBE'): Request | undefined {
    if (e.direction !== 'server' || e.packetId === undefined) return undefined;
    const key = `${request === 'SUBSCRIBE' ? 'S' : 'U'}|${e.stream}|${e.packetId}`;
    const asked = this.pending.get(key);
    this.pending.delete(key);
    return asked;
  }

  private activeOf(stream: number): Set<string> {
    let set = this.active.get(stream);
    if (set === undefined) {
      if (this.active.size >= MAX_STREAMS) evictOldest(this.active);
      set = new Set();
      this.active.set(stream, set);
    }
    return set;
  }

  private unsuback(e: MqttEvent): void {
    const asked = this.answer(e, 'UNSUBSCRIBE');
    if (asked === undefined) return;
    const codes = e.reasonCodes ?? [];
    const active = this.active.get(e.stream);
    // MQTT 3.1.1 with a clean session: no code; the filter was subscribed here, or there was none to remove.
    const clean = e.protocolVersion !== 5;
    asked.filters.forEach((f, i) => {
      const code = clean ? (active?.has(f) === true ? 0 : NO_SUBSCRIPTION_EXISTED) : codes[i];
      if (code === undefined || code >= 0x80) return;
      if (code !== NO_SUBSCRIPTION_EXISTED) { active?.delete(f); return; }
      let u = this.unmatched.get(e.stream);
      if (u === undefined) {
        if (this.unmatched.size >= MAX_STREAMS) return;
        u = { clean, filters: [], similar: [], received: 0, frames: new FrameSet() };
        this.unmatched.set(e.stream, u);
      }
      // The UNSUBSCRIBE first: the diagnosis is timed at it, the first frame of its evidence.
      u.frames.add(asked.frame, asked.time);
      u.frames.add(e.frame, e.time);
      if (u.filters.length < 10 && !u.filters.includes(f)) u.filters.push(f);
      const meant = meantFilter(f, active ?? []);
      if (meant !== undefined && !u.similar.includes(meant) && u.similar.length < 10) u.similar.push(meant);
    });
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    for (const [stream, u] of this.unmatched) {
      const r = ctx.book.get(stream);
      const stays = u.similar.length > 0;
      emit(makeDiagnosis({
        code: 'diag.unsubscribe-unmatched', layer: 'mqtt', frames: u.frames, time: u.frames.firstTime ?? 0, stream,
        ...(r !== undefined ? { src: r.client, dst: r.server } : {}),
        facts: {
          client: r !== undefined ? clientName(r) : String(stream), filters: u.filters, count: u.filters.length, ...(u.clean ? { clean: true } : {}),
          ...(stays ? { stillSubscribed: u.similar, received: u.received } : {}),
        },
        causes: stays ? ['unsubscribe-filter-differs'] : ['unsubscribe-not-subscribed'],
        checks: ['unsubscribe-filter'],
      }));
    }
  }
}
