/**
 * MqttSession: what one MQTT connection has established so far: protocol version (from CONNECT, or inferred),
 * client identity, topic aliases per direction, subscriptions, requests waiting for their response, keep-alive.
 * It pairs requests with responses and measures latency. Bounded: at most `maxPending` open requests.
 * It does not parse bytes or emit events (session-tracker.ts does).
 */
import type { MemoryBudget } from '../model/budget.js';
import { topicMatches } from './topic.js';

export type Direction = 'client' | 'server';

export interface PendingRequest {
  type: string;
  frame: number;
  time: number;
  packetId?: number;
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
  connectFrame: number | undefined;
  connackCode: number | undefined;
  accepted: boolean | undefined;
  readonly aliases: Record<Direction, Map<number, string>> = { client: new Map(), server: new Map() };
  /** Subscribed filters and when they were requested (capture seconds). */
  readonly subscriptions = new Map<string, number>();
  firstSubscribeTime: number | undefined;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly pings: PendingRequest[] = [];
  lastClientPacketTime: number | undefined;
  packets = 0;
  /** Frame and time of the session's first packet. */
  firstFrame = 0;
  firstTime = 0;
  /** The first DISCONNECT seen, by whom, with its reason code (MQTT 5). */
  disconnect: { by: Direction; reasonCode?: number; frame: number } | undefined;
  /** Another connection CONNECTed with this client id to the same broker (see takeover.ts). */
  takenOverBy: { stream: number; frame: number } | undefined;

  /** The analysis' memory budget ('pending-requests'): each request awaiting its response charges PENDING_BYTES. */
  budget: MemoryBudget | undefined;

  /** Remembers a request from `from` that the other side should answer with `response` (false: not tracked). */
  expect(from: Direction, response: string, packetId: number | undefined, request: PendingRequest): boolean {
    if (response === 'PINGRESP') {
      if (this.pings.length >= MAX_PENDING || !this.charge()) return false;
      this.pings.push(request);
      return true;
    }
    if (this.pending.size >= MAX_PENDING) return false;
    const key = pendingKey(from, response, packetId);
    if (!this.pending.has(key) && !this.charge()) return false;
    this.pending.set(key, request);
    return true;
  }

  private charge(): boolean {
    return this.budget === undefined || this.budget.tryCharge(PENDING_BYTES, 'pending-requests');
  }

  /** What `answer` returns: one object, refilled by each call (no object per response). */
  private readonly pairing: Pairing = { requestFrame: 0, latencyMs: 0 };

  /** A `response` arrived from `from`: the request it answers, with latency (read it before the next call). */
  answer(from: Direction, response: string, packetId: number | undefined, time: number): Pairing | undefined {
    let request: PendingRequest | undefined;
    if (response === 'PINGRESP') {
      request = this.pings.shift();
    } else {
      const key = pendingKey(from === 'client' ? 'server' : 'client', response, packetId);
      request = this.pending.get(key);
      if (request !== undefined) this.pending.delete(key);
    }
    if (request === undefined) return undefined;
    this.budget?.release(PENDING_BYTES, 'pending-requests');
    const pairing = this.pairing;
    pairing.requestFrame = request.frame;
    pairing.latencyMs = (time - request.time) * 1000;
    return pairing;
  }

  /** Requests never answered. Empties the session's list. */
  takeUnanswered(): PendingRequest[] {
    const list = [...this.pending.values(), ...this.pings];
    this.budget?.release(list.length * PENDING_BYTES, 'pending-requests');
    this.pending.clear();
    this.pings.length = 0;
    return list.sort((a, b) => a.frame - b.frame);
  }

  /** subscribedAt answers by topic, until the subscriptions change. */
  private readonly subscribedAtCache = new Map<string, number | null>();

  subscribe(filter: string, time: number): void {
    this.subscribedAtCache.clear();
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS && !this.subscriptions.has(filter)) return;
    if (!this.subscriptions.has(filter)) {
      this.subscriptions.set(filter, time);
      if (filter.startsWith('$share/')) this.sharedSubscriptions++;
    }
    this.firstSubscribeTime ??= time;
  }

  unsubscribe(filter: string): void {
    this.subscribedAtCache.clear();
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
    for (const [filter, time] of this.subscriptions) {
      if (topicMatches(filter, topic) && (earliest === null || time < earliest)) earliest = time;
    }
    if (this.subscribedAtCache.size >= MAX_CACHED_TOPICS) this.subscribedAtCache.clear();
    this.subscribedAtCache.set(topic, earliest);
    return earliest;
  }
}
