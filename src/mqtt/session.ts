/**
 * MqttSession: what one MQTT connection has established so far: protocol version (from CONNECT, or inferred),
 * client identity, topic aliases per direction, subscriptions, requests waiting for their response, keep-alive.
 * It pairs requests with responses and measures latency. Bounded: at most `maxPending` open requests.
 * It does not parse bytes or emit events (session-tracker.ts does).
 */
import type { MemoryBudget } from '../model/budget.js';
import { topicMatches } from './topic.js';

export type Direction = 'client' | 'server';

/** A FIN or RST that closed the connection (or one side of it): `by` its sender, when known. */
export interface SessionClose { reset: boolean; by?: Direction; frame: number; time: number }

export interface PendingRequest {
  type: string;
  frame: number;
  time: number;
  packetId: number | undefined;
  /** The pending-request key (who answers, with what, which id); undefined for PINGREQ. */
  key?: number;
}

export interface Pairing {
  requestFrame: number;
  latencyMs: number;
}

const MAX_PENDING = 4096;

/** Response types a request can wait for, numbered for the pending-request key. */
const RESPONSE_CODES: Readonly<Record<string, number>> = {
  CONNACK: 1, PUBACK: 2, PUBREC: 3, PUBREL: 4, PUBCOMP: 5, SUBACK: 6, UNSUBACK: 7, AUTH: 8,
};

/** The key of a request from `from` awaiting `response` with `packetId`, as one number (no string per message). */
function pendingKey(from: Direction, response: string, packetId: number | undefined): number {
  return ((from === 'client' ? 0 : 1) * 16 + (RESPONSE_CODES[response] ?? 15)) * 0x20000 + (packetId ?? 0x10000);
}
/** The key of the request that a `response` with `packetId` sent by `from` answers (as PendingRequest.key). */
export function answeredKey(from: Direction, response: string, packetId: number | undefined): number {
  return pendingKey(from === 'client' ? 'server' : 'client', response, packetId);
}

/**
 * Requests awaiting their response, by pendingKey: an open-addressed table of typed arrays (linear probing,
 * backward-shift deletion), so that a request and its answer cost no object and no Map entry. Each entry keeps the
 * order it was added in, so that the requests left unanswered come out as a Map would list them.
 */
class PendingTable {
  private mask = 15;
  /** key + 1 (0: empty slot). */
  private keys = new Int32Array(16);
  private frames = new Float64Array(16);
  private times = new Float64Array(16);
  private orders = new Float64Array(16);
  private types: string[] = new Array<string>(16).fill('');
  private added = 0;
  size = 0;

  /** The slot of `key`, or the empty slot where it would go. */
  private find(key: number): number {
    const mask = this.mask;
    const k = key + 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const there = this.keys[slot]!;
      if (there === 0 || there === k) return slot;
      slot = (slot + 1) & mask;
    }
  }

  has(key: number): boolean {
    return this.keys[this.find(key)] !== 0;
  }

  /** Adds the request under `key`, or replaces the one there (which keeps its place in the order, as Map.set). */
  set(key: number, type: string, frame: number, time: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const slot = this.find(key);
    if (this.keys[slot] === 0) {
      this.keys[slot] = key + 1;
      this.orders[slot] = this.added++;
      this.size++;
    }
    this.types[slot] = type;
    this.frames[slot] = frame;
    this.times[slot] = time;
  }

  /** Removes the request under `key`; false when there is none. Its frame and time are left in `takenFrame`/`takenTime`. */
  take(key: number): boolean {
    const slot = this.find(key);
    if (this.keys[slot] === 0) return false;
    this.takenFrame = this.frames[slot]!;
    this.takenTime = this.times[slot]!;
    this.remove(slot);
    return true;
  }

  takenFrame = 0;
  takenTime = 0;

  private remove(slot: number): void {
    const mask = this.mask;
    let hole = slot;
    let next = (hole + 1) & mask;
    while (this.keys[next] !== 0) {
      const home = Math.imul(this.keys[next]! - 1, 0x9e3779b1) >>> 0 & mask;
      // The entry at `next` may fill the hole when its home is not cyclically within (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        this.keys[hole] = this.keys[next]!;
        this.frames[hole] = this.frames[next]!;
        this.times[hole] = this.times[next]!;
        this.orders[hole] = this.orders[next]!;
        this.types[hole] = this.types[next]!;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    this.keys[hole] = 0;
    this.types[hole] = '';
    this.size--;
  }

  private grow(): void {
    const { keys, frames, times, orders, types } = this;
    const size = keys.length * 2;
    this.mask = size - 1;
    this.keys = new Int32Array(size);
    this.frames = new Float64Array(size);
    this.times = new Float64Array(size);
    this.orders = new Float64Array(size);
    this.types = new Array<string>(size).fill('');
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === 0) continue;
      const slot = this.find(keys[i]! - 1);
      this.keys[slot] = keys[i]!;
      this.frames[slot] = frames[i]!;
      this.times[slot] = times[i]!;
      this.orders[slot] = orders[i]!;
      this.types[slot] = types[i]!;
    }
  }

  /** Every request in the order added (as a Map would list them), with its packet id from the key; empties the table. */
  takeAll(): PendingRequest[] {
    const list: Array<PendingRequest & { order: number }> = [];
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (k === 0) continue;
      const packetId = (k - 1) % 0x20000;
      list.push({ type: this.types[i]!, frame: this.frames[i]!, time: this.times[i]!, packetId: packetId === 0x10000 ? undefined : packetId, key: k - 1, order: this.orders[i]! });
    }
    list.sort((a, b) => a.order - b.order);
    this.keys.fill(0);
    this.types.fill('');
    this.size = 0;
    return list.map(({ type, frame, time, packetId, key }) => ({ type, frame, time, packetId, key }));
  }
}

const MAX_SUBSCRIPTIONS = 1024;
/** Bytes charged to the memory budget per request awaiting its response (map entry, key and request object). */
const PENDING_BYTES = 128;
const MAX_CACHED_TOPICS = 1024;

export class MqttSession {
  constructor(readonly stream: number) {}

  /** 3, 4 or 5; undefined until known or inferred. */
  version: number | undefined;
  versionInferred = false;
  clientId: string | undefined;
  username: string | undefined;
  keepAlive: number | undefined;
  cleanSession: boolean | undefined;
  willTopic: string | undefined;
  /** The CONNECT had the bridge bit: the client is a broker's bridge (the messages it receives, its broker forwards). */
  bridge = false;
  connectFrame: number | undefined;
  /** Capture time of that CONNECT. */
  connectTime: number | undefined;
  connackCode: number | undefined;
  accepted: boolean | undefined;
  readonly aliases: Record<Direction, Map<number, string>> = { client: new Map(), server: new Map() };
  /** Subscribed filters and when they were requested (capture seconds). */
  readonly subscriptions = new Map<string, number>();
  firstSubscribeTime: number | undefined;
  private readonly pending = new PendingTable();
  private readonly pings: PendingRequest[] = [];
  lastClientPacketTime: number | undefined;
  packets = 0;
  /** Frame and time of the session's first packet. */
  firstFrame = 0;
  firstTime = 0;
  /**
   * The DISCONNECT that ended the session, seen before the connection's first FIN or RST: the first one, by whom, with
   * its reason code (MQTT 5), or the broker's that followed a client's (the broker did not end the session on the
   * client's: it closed on a packet before it, or refused it); `afterMalformed`: the client sent it after a malformed
   * packet of its own, which the broker closes the connection on (MQTT-4.8.0-1) without reading what follows.
   */
  disconnect: { by: Direction; reasonCode?: number; frame: number; afterMalformed?: true } | undefined;
  /** The connection's first FIN or RST, as its streams ended: who sent it (a RST's sender is told by the end), when. */
  firstClose: SessionClose | undefined;
  /** Another connection CONNECTed with this client id to the same broker (see takeover.ts). */
  takenOverBy: { stream: number; frame: number } | undefined;
  /** Told when another connection CONNECTs with this client id (at that CONNECT's time): the broker ends this one. */
  onTakenOver: ((frame: number, time: number) => void) | undefined;

  /** The analysis' memory budget ('pending-requests'): each request awaiting its response charges PENDING_BYTES. */
  budget: MemoryBudget | undefined;

  /**
   * Remembers a request (`type`, sent in `frame` at `time`, with `requestPacketId`) from `from` that the other side
   * should answer with `response` carrying `packetId` (false: not tracked).
   */
  expect(from: Direction, response: string, packetId: number | undefined, type: string, frame: number, time: number,
    requestPacketId: number | undefined): boolean {
    if (response === 'PINGRESP') {
      if (this.pings.length >= MAX_PENDING || !this.charge()) return false;
      this.pings.push({ type, frame, time, packetId: requestPacketId });
      return true;
    }
    if (this.pending.size >= MAX_PENDING) return false;
    const key = pendingKey(from, response, packetId);
    if (!this.pending.has(key) && !this.charge()) return false;
    this.pending.set(key, type, frame, time);
    return true;
  }

  private charge(): boolean {
    return this.budget === undefined || this.budget.tryCharge(PENDING_BYTES, 'pending-requests');
  }

  /** What `answer` returns: one object, refilled by each call (no object per response). */
  private readonly pairing: Pairing = { requestFrame: 0, latencyMs: 0 };

  /** A `response` arrived from `from`: the request it answers, with latency (read it before the next call). */
  answer(from: Direction, response: string, packetId: number | undefined, time: number): Pairing | undefined {
    let requestFrame: number;
    let requestTime: number;
    if (response === 'PINGRESP') {
      const request = this.pings.shift();
      if (request === undefined) return undefined;
      requestFrame = request.frame;
      requestTime = request.time;
    } else {
      const pending = this.pending;
      if (!pending.take(pendingKey(from === 'client' ? 'server' : 'client', response, packetId))) return undefined;
      requestFrame = pending.takenFrame;
      requestTime = pending.takenTime;
    }
    this.budget?.release(PENDING_BYTES, 'pending-requests');
    const pairing = this.pairing;
    pairing.requestFrame = requestFrame;
    pairing.latencyMs = (time - requestTime) * 1000;
    return pairing;
  }

  /** Requests never answered. Empties the session's list. */
  takeUnanswered(): PendingRequest[] {
    const list = [...this.pending.takeAll(), ...this.pings];
    this.budget?.release(list.length * PENDING_BYTES, 'pending-requests');
    this.pings.length = 0;
    return list.sort((a, b) => a.frame - b.frame);
  }

  /** subscribedAt answers by topic, until the subscriptions change; and how many filters match each (matchingFilters). */
  private readonly subscribedAtCache = new Map<string, number | null>();
  private readonly matchingCache = new Map<string, number>();

  subscribe(filter: string, time: number): void {
    this.subscribedAtCache.clear();
    this.matchingCache.clear();
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS && !this.subscriptions.has(filter)) return;
    if (!this.subscriptions.has(filter)) {
      this.subscriptions.set(filter, time);
      if (filter.startsWith('$share/')) this.sharedSubscriptions++;
    }
    this.firstSubscribeTime ??= time;
  }

  unsubscribe(filter: string): void {
    this.subscribedAtCache.clear();
    this.matchingCache.clear();
    if (this.subscriptions.delete(filter) && filter.startsWith('$share/')) this.sharedSubscriptions--;
  }

  /** Shared subscriptions (`$share/group/filter`) among `subscriptions`. */
  private sharedSubscriptions = 0;

  /** The shared subscription that delivers `topic` when only shared ones match it (else undefined). */
  sharedFilterFor(topic: string): string | undefined {
    if (this.sharedSubscriptions === 0) return undefined;
    let shared: string | undefined;
    for (const filter of this.subscriptions.keys()) {
      if (!topicMatches(filter, topic)) continue;
      if (!filter.startsWith('$share/')) return undefined;
      shared ??= filter;
    }
    return shared;
  }

  /** When the subscription that delivers `topic` was made, if the SUBSCRIBE was seen; null when none matches. */
  subscribedAt(topic: string): number | undefined | null {
    if (this.firstSubscribeTime === undefined) return undefined;
    const cached = this.subscribedAtCache.get(topic);
    if (cached !== undefined) return cached;
    let earliest: number | null = null;
    let matching = 0;
    for (const [filter, time] of this.subscriptions) {
      if (!topicMatches(filter, topic)) continue;
      matching++;
      if (earliest === null || time < earliest) earliest = time;
    }
    if (this.subscribedAtCache.size >= MAX_CACHED_TOPICS) {
      this.subscribedAtCache.clear();
      this.matchingCache.clear();
    }
    this.subscribedAtCache.set(topic, earliest);
    this.matchingCache.set(topic, matching);
    return earliest;
  }

  /** How many of the subscriptions match `topic` (a broker may send one copy per matching subscription). */
  matchingFilters(topic: string): number {
    const cached = this.matchingCache.get(topic);
    if (cached !== undefined) return cached;
    if (this.firstSubscribeTime === undefined) return 0;
    this.subscribedAtCache.delete(topic);
    this.subscribedAt(topic);
    return this.matchingCache.get(topic) ?? 0;
  }
}
