/**
 * Fan-out tracing: links each PUBLISH a broker sends to a subscriber with the PUBLISH a client sent to that broker
 * (same broker, topic and payload; the subscriber's filters match the topic; published after it subscribed, unless
 * the copy is a retained message), and gives the broker's forwarding delay. It does not decide what is a broker or a
 * subscriber beyond the connection's client/server roles.
 *
 * Memory is bounded and allocation-free per message: the recent publishes live in a ring of typed arrays (by count
 * and by capture time), found through a 52-bit hash of (broker, topic, payload) and chained per hash; each
 * subscriber stream keeps, per hash, the sequence number of the last publish it was matched to (a broker forwards
 * one copy per subscription, in publish order).
 */

export interface FanoutOptions {
  /** How many recent publishes to remember. */
  maxRemembered: number;
  /** How long (capture seconds) a publish can wait for its copies. */
  windowSeconds: number;
}

export interface ForwardMatch {
  sourceFrame: number;
  forwardDelayMs: number;
}

/** Per-stream cursors kept at most; past it a stream's cursors are forgotten (older publishes may match again). */
const MAX_CURSORS_PER_STREAM = 4096;
const MAX_STREAMS = 10_000;
/** Stale cursors are swept after this many publishes have been forgotten (or a whole ring, if smaller). */
const SWEEP_EVERY = 1024;

function fnv(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

function fnvBytes(hash: number, bytes: Buffer, start: number, end: number): number {
  let h = hash;
  for (let i = start; i < end; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/**
 * Identity of (broker, topic, payload) as an exact integer below 2^53: two FNV-1a hashes (different seeds) of the
 * broker and topic and of up to 4 KiB of the payload (head and tail), mixed with the payload length.
 */
function identity(brokerIp: string, topic: string, payload: Buffer): number {
  const n = payload.length;
  let a = fnv(0x811c9dc5, brokerIp);
  a = fnv(Math.imul(a ^ 0xff, 0x01000193), topic);
  let b = fnv(0x01234567, topic) ^ n;
  const headEnd = Math.min(n, 2048);
  a = fnvBytes(a, payload, 0, headEnd);
  b = fnvBytes(b, payload, Math.max(headEnd, n - 2048), n);
  b = Math.imul(b ^ n, 0x01000193);
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

export class FanoutTracer {
  private readonly capacity: number;
  private readonly frames: Float64Array;
  private readonly times: Float64Array;
  private readonly keys: Float64Array;
  /** Sequence number of the next remembered publish with the same identity, or -1. */
  private readonly nextSame: Float64Array;
  /** Sequence numbers: the oldest remembered publish, and the next one to be written. */
  private head = 0;
  private tail = 0;
  /** Identity to the oldest and newest remembered publish with it. */
  private readonly firstOf = new Map<number, number>();
  private readonly lastOf = new Map<number, number>();
  /** Stream to (identity to sequence number of the last publish matched to that stream). */
  private readonly cursors = new Map<number, Map<number, number>>();
  /** `head` at the last sweep of the cursors (see sweepCursors). */
  private sweptAt = 0;

  constructor(private readonly options: FanoutOptions) {
    this.capacity = Math.max(1, options.maxRemembered);
    this.frames = new Float64Array(this.capacity);
    this.times = new Float64Array(this.capacity);
    this.keys = new Float64Array(this.capacity);
    this.nextSame = new Float64Array(this.capacity);
  }

  /** Publishes remembered now. */
  get remembered(): number {
    return this.tail - this.head;
  }

  /** A client published `topic`/`payload` to the broker at `brokerIp`. */
  published(brokerIp: string, topic: string, payload: Buffer, frame: number, time: number): void {
    this.expire(time);
    if (this.tail - this.head >= this.capacity) this.dropOldest();
    const key = identity(brokerIp, topic, payload);
    const seq = this.tail++;
    const at = seq % this.capacity;
    this.frames[at] = frame;
    this.times[at] = time;
    this.keys[at] = key;
    this.nextSame[at] = -1;
    const last = this.lastOf.get(key);
    if (last !== undefined) this.nextSame[last % this.capacity] = seq;
    else this.firstOf.set(key, seq);
    this.lastOf.set(key, seq);
    if (this.head - this.sweptAt >= Math.min(this.capacity, SWEEP_EVERY)) this.sweepCursors();
  }

  /** Cursor entries held (for the memory tests): stale ones are swept as the ring turns. */
  get cursorEntries(): number {
    let n = 0;
    for (const c of this.cursors.values()) n += c.size;
    return n;
  }

  /**
   * Drops the cursors that point before the oldest remembered publish (they match like no cursor at all), and the
   * streams left without any: a subscriber that went quiet, or whose connection ended, costs nothing after a turn.
   */
  private sweepCursors(): void {
    this.sweptAt = this.head;
    for (const [stream, cursors] of this.cursors) {
      for (const [key, seq] of cursors) if (seq < this.head) cursors.delete(key);
      if (cursors.size === 0) this.cursors.delete(stream);
    }
  }

  /**
   * The broker at `brokerIp` sent `topic`/`payload` to the subscriber on `stream`, which subscribed at `subscribedAt`
   * (capture seconds; undefined when its SUBSCRIBE was not seen). Returns the source it copies, if any.
   */
  forwarded(brokerIp: string, topic: string, payload: Buffer, retain: boolean, stream: number,
    subscribedAt: number | undefined, time: number): ForwardMatch | undefined {
    const key = identity(brokerIp, topic, payload);
    const first = this.firstOf.get(key);
    if (first === undefined) return undefined;
    let cursors = this.cursors.get(stream);
    const cursor = cursors?.get(key) ?? -1;
    let chosen = -1;
    if (retain) {
      // A retained copy sent on subscription: the latest message with that content not yet matched here.
      const last = this.lastOf.get(key)!;
      for (let seq = first; seq !== -1; seq = this.nextSame[seq % this.capacity]!) {
        if (this.times[seq % this.capacity]! > time) break;
        if (seq > cursor) chosen = seq;
        if (seq === last) break;
      }
    }
    if (chosen === -1) {
      // The oldest not yet matched to this stream, published after the subscription and not after this copy.
      let seq = cursor >= first && cursor >= this.head ? this.nextSame[cursor % this.capacity]! : first;
      for (; seq !== -1; seq = this.nextSame[seq % this.capacity]!) {
        const t = this.times[seq % this.capacity]!;
        if (t > time) break;
        if (subscribedAt !== undefined && t < subscribedAt) continue;
        chosen = seq;
        break;
      }
    }
    if (chosen === -1) return undefined;
    if (cursors === undefined) {
      if (this.cursors.size >= MAX_STREAMS) this.cursors.clear();
      cursors = new Map();
      this.cursors.set(stream, cursors);
    }
    if (cursors.size >= MAX_CURSORS_PER_STREAM && !cursors.has(key)) cursors.clear();
    cursors.set(key, chosen);
    const at = chosen % this.capacity;
    return { sourceFrame: this.frames[at]!, forwardDelayMs: (time - this.times[at]!) * 1000 };
  }

  private expire(now: number): void {
    const window = this.options.windowSeconds;
    while (this.head < this.tail && now - this.times[this.head % this.capacity]! > window) this.dropOldest();
  }

  private dropOldest(): void {
    const at = this.head % this.capacity;
    const key = this.keys[at]!;
    const next = this.nextSame[at]!;
    if (next === -1) {
      this.firstOf.delete(key);
      this.lastOf.delete(key);
    } else {
      this.firstOf.set(key, next);
    }
    this.head++;
  }
}
