/**
 * Fan-out tracing: links each PUBLISH a broker sends to a subscriber with the PUBLISH a client sent to that broker
 * (same broker, topic and payload; the subscriber's filters match the topic; published after it subscribed, unless
 * the copy is a retained message), and gives the broker's forwarding delay. It does not decide what is a broker or a
 * subscriber beyond the connection's client/server roles.
 *
 * Memory is bounded and allocation-free per message: the recent publishes live in a ring of typed arrays (by count
 * and by capture time), found through a 64-bit hash of (broker, topic, payload) in an open-addressed table of typed
 * arrays and chained per hash; each subscriber stream keeps, per hash, the sequence number of the last publish it was
 * matched to (a broker forwards a message to each subscriber in publish order), in one more such table. A subscriber
 * whose filters overlap may get one copy per matching subscription (MQTT 5 §3.3.4; Mosquitto does so for MQTT 5
 * clients): `forwardedAgain` links such a further copy to the publish its cursor points at. The members of a shared
 * subscription (`$share/group/filter`) share one cursor: the broker gives each message to one of them.
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
  /** Capture time (seconds) of the publish (or, for a Will, of the end of its client's connection). */
  sourceTime: number;
  /** The client id whose Will this copy is (sourceFrame is then that client's CONNECT), else undefined. */
  willOf: string | undefined;
}

/** Per-stream cursors kept at most; past it a stream's cursors are forgotten (older publishes may match again). */
const MAX_CURSORS_PER_STREAM = 4096;
const MAX_STREAMS = 10_000;
/**
 * Stale cursors are swept after this many publishes have been forgotten, or an eighth of the cursor table's slots if
 * more (a sweep reads the whole table: a few slots per publish), or a whole ring, if smaller.
 */
const SWEEP_EVERY = 1024;
/** Slots of the rebuild's memo of stream generations, minus one. */
const MEMO_MASK = 63;
/** (broker, topic) pairs whose hashes are kept (see FanoutTracer.identity). */
const MAX_TOPIC_HASHES = 4096;
/** Publishes whose further copies (see FanoutTracer.forwardedAgain) are counted at once; past it the counts start again. */
const MAX_AGAIN = 4096;

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
 * The bytes [start, end) mixed into `hash`: sixteen at a time in four independent lanes (whose multiplications the
 * processor overlaps), then four at a time, the last few one by one. The same bytes give the same hash wherever they
 * lie in memory.
 */
function mixBytes(hash: number, bytes: Buffer, start: number, end: number): number {
  let h = hash;
  let i = start;
  if (end - i >= 32) {
    let h1 = h ^ 0x5bd1e995;
    let h2 = h ^ 0x1b873593;
    let h3 = h ^ 0x27d4eb2f;
    for (; i + 16 <= end; i += 16) {
      h = Math.imul(h ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)), 0x01000193);
      h1 = Math.imul(h1 ^ (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)), 0x01000193);
      h2 = Math.imul(h2 ^ (bytes[i + 8]! | (bytes[i + 9]! << 8) | (bytes[i + 10]! << 16) | (bytes[i + 11]! << 24)), 0x01000193);
      h3 = Math.imul(h3 ^ (bytes[i + 12]! | (bytes[i + 13]! << 8) | (bytes[i + 14]! << 16) | (bytes[i + 15]! << 24)), 0x01000193);
      h ^= h >>> 15;
      h1 ^= h1 >>> 15;
      h2 ^= h2 >>> 15;
      h3 ^= h3 >>> 15;
    }
    h = Math.imul(h ^ Math.imul(h1, 0x85ebca6b) ^ Math.imul(h2, 0xc2b2ae35) ^ Math.imul(h3, 0x27d4eb2d), 0x01000193);
  }
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)), 0x01000193);
    h ^= h >>> 15;
  }
  return fnvBytes(h, bytes, i, end);
}

/** Murmur3's finaliser: every input bit reaches every output bit. */
function finish(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** An empty slot of the tables below (a key's first half is never this: see `identity`). */
const EMPTY = 0;

/**
 * The slots of a linear-probing hash table of power-of-two size: `slotOf` gives where a key's probe sequence starts.
 */
function slotOf(a: number, b: number, mask: number): number {
  return (a ^ Math.imul(b, 0x9e3779b1)) & mask;
}

function tableSize(entries: number): number {
  let size = 16;
  while (size < entries * 2) size *= 2;
  return size;
}

export class FanoutTracer {
  private readonly capacity: number;
  private readonly frames: Float64Array;
  private readonly times: Float64Array;
  /** The identity of each remembered publish: two 32-bit halves. */
  private readonly keysA: Int32Array;
  private readonly keysB: Int32Array;
  /** Sequence number of the next remembered publish with the same identity, or -1. */
  private readonly nextSame: Float64Array;
  /** Sequence numbers: the oldest remembered publish, and the next one to be written. */
  private head = 0;
  private tail = 0;
  /** Identity to the oldest and newest remembered publish with it (open addressing, backward-shift deletion). */
  private readonly idMask: number;
  private readonly idA: Int32Array;
  private readonly idB: Int32Array;
  private readonly idFirst: Float64Array;
  private readonly idLast: Float64Array;
  /** Identity half of the last `identity` call (the first half is its return value). */
  private b = 0;
  /** Stream to its cursors' generation (a new one forgets them all) and count. */
  private readonly streams = new Map<number, { generation: number; count: number }>();
  private generation = 0;
  /**
   * (stream, generation, identity) to the sequence number of the last publish matched to that stream. The table's
   * size as the rules set it (growth and sweep pacing read it) is `cursorMask + 1`; its arrays (`slotMask + 1`
   * slots) are kept and reused by rebuilds while they are large enough, so that a rebuild allocates nothing: each
   * new set of arrays lived long and died old, dead off-heap memory that only a full collection frees.
   */
  private cursorMask = 0;
  private slotMask = -1;
  private cursorStream = new Int32Array(0);
  private cursorGeneration = new Int32Array(0);
  private cursorA = new Int32Array(0);
  private cursorB = new Int32Array(0);
  private cursorSeq = new Float64Array(0);
  private cursorsUsed = 0;
  /** `head` at the last sweep of the cursors (see sweepCursors). */
  private sweptAt = 0;
  /** The live cursors a rebuild carries over (stream + 1, generation, identity, sequence), grown as needed. */
  private liveStream = new Int32Array(0);
  private liveGeneration = new Int32Array(0);
  private liveA = new Int32Array(0);
  private liveB = new Int32Array(0);
  private liveSeq = new Float64Array(0);
  /** Broker to topic to the (broker, topic) part of an identity's two halves (see `identity`). */
  private readonly brokerTopicHashes = new Map<string, Map<string, Int32Array>>();
  private topicHashes = 0;
  /** Shared subscription groups (broker, `$share/group/filter`) to the cursor stream they share (-2, -3...). */
  private readonly groups = new Map<string, number>();
  /** Streams' generations remembered during a rebuild (see rebuildCursors). */
  private readonly memoStream = new Int32Array(MEMO_MASK + 1);
  private readonly memoGeneration = new Int32Array(MEMO_MASK + 1);
  /** What `forwarded` returns: one object, refilled by each call (no object per delivered copy). */
  private readonly match: ForwardMatch = { sourceFrame: 0, forwardDelayMs: 0, sourceTime: 0, willOf: undefined };
  /** The ring slot of the last match (forwarded, forwardedAgain): its Will's takeover, if any (willTakeoverFrame). */
  private lastMatched = -1;
  /** Ring slots holding a Will (the client id that left it): few, dropped when the slot is reused. */
  private readonly willOwners = new Map<number, string>();
  /** Ring slots holding a Will published on a takeover: the frame of the CONNECT that took the session over. */
  private readonly willTakeovers = new Map<number, number>();
  /** (cursor stream, publish sequence number) to the further copies linked to it by forwardedAgain. */
  private readonly again = new Map<string, number>();

  constructor(private readonly options: FanoutOptions) {
    this.capacity = Math.max(1, options.maxRemembered);
    this.frames = new Float64Array(this.capacity);
    this.times = new Float64Array(this.capacity);
    this.keysA = new Int32Array(this.capacity);
    this.keysB = new Int32Array(this.capacity);
    this.nextSame = new Float64Array(this.capacity);
    const size = tableSize(this.capacity);
    this.idMask = size - 1;
    this.idA = new Int32Array(size);
    this.idB = new Int32Array(size);
    this.idFirst = new Float64Array(size);
    this.idLast = new Float64Array(size);
    this.resetCursors(16);
  }

  /**
   * The cursor stream of a shared subscription group (pass it to `forwarded` instead of the subscriber's stream): the
   * broker gives each message to one member of the group, so the members match publishes in turn, not each all of
   * them. At most MAX_STREAMS groups are told apart; past it they are forgotten together.
   */
  sharedGroup(brokerIp: string, filter: string): number {
    const key = `${brokerIp} ${filter}`;
    let id = this.groups.get(key);
    if (id === undefined) {
      if (this.groups.size >= MAX_STREAMS) this.groups.clear();
      id = -2 - this.groups.size;
      this.groups.set(key, id);
    }
    return id;
  }

  /** Publishes remembered now. */
  get remembered(): number {
    return this.tail - this.head;
  }

  /** A client published `topic`/`payload` to the broker at `brokerIp`. */
  published(brokerIp: string, topic: string, payload: Buffer, frame: number, time: number): void {
    this.expire(time);
    if (this.tail - this.head >= this.capacity) this.dropOldest();
    const a = this.identity(brokerIp, topic, payload);
    const b = this.b;
    const seq = this.tail++;
    const at = seq % this.capacity;
    if (this.willOwners.size > 0) { this.willOwners.delete(at); this.willTakeovers.delete(at); }
    this.frames[at] = frame;
    this.times[at] = time;
    this.keysA[at] = a;
    this.keysB[at] = b;
    this.nextSame[at] = -1;
    const slot = this.findId(a, b);
    if (this.idA[slot] !== EMPTY) this.nextSame[this.idLast[slot]! % this.capacity] = seq;
    else {
      this.idA[slot] = a;
      this.idB[slot] = b;
      this.idFirst[slot] = seq;
    }
    this.idLast[slot] = seq;
    if (this.head - this.sweptAt >= Math.min(this.capacity, Math.max(SWEEP_EVERY, (this.cursorMask + 1) >> 3))) this.sweepCursors();
  }

  /**
   * The broker at `brokerIp` is to publish the Will `topic`/`payload` of `clientId`, whose connection ended at `time`
   * without DISCONNECT: remembered as a publish made by its CONNECT (`connectFrame`), so the subscribers' copies are
   * traced to it and named as that client's Will; `takeoverFrame`: the CONNECT that took its session over, on which
   * the Will goes out.
   */
  willPublished(brokerIp: string, topic: string, payload: Buffer, connectFrame: number, time: number, clientId: string, takeoverFrame?: number): void {
    this.published(brokerIp, topic, payload, connectFrame, time);
    const at = (this.tail - 1) % this.capacity;
    this.willOwners.set(at, clientId);
    if (takeoverFrame !== undefined) this.willTakeovers.set(at, takeoverFrame);
  }

  /** For the last match that was a Will: the CONNECT that took its client's session over, when it went out on one. */
  willTakeoverFrame(): number | undefined {
    return this.willTakeovers.size > 0 ? this.willTakeovers.get(this.lastMatched) : undefined;
  }

  /** Cursor entries held (for the memory tests): stale ones are swept as the ring turns. */
  get cursorEntries(): number {
    let n = 0;
    for (let i = 0; i < this.cursorStream.length; i++) if (this.isLiveCursor(i)) n++;
    return n;
  }

  /**
   * Drops the cursors that point before the oldest remembered publish (they match like no cursor at all), and the
   * streams left without any: a subscriber that went quiet, or whose connection ended, costs nothing after a turn.
   */
  private sweepCursors(): void {
    this.sweptAt = this.head;
    this.rebuildCursors();
    for (const [stream, cursors] of this.streams) if (cursors.count === 0) this.streams.delete(stream);
  }

  /**
   * The broker at `brokerIp` sent `topic`/`payload` to the subscriber on `stream`, which subscribed at `subscribedAt`
   * (capture seconds; undefined when its SUBSCRIBE was not seen). Returns the source it copies, if any: read it
   * before the next call, which refills the same object.
   */
  forwarded(brokerIp: string, topic: string, payload: Buffer, retain: boolean, stream: number,
    subscribedAt: number | undefined, time: number): ForwardMatch | undefined {
    const a = this.identity(brokerIp, topic, payload);
    const b = this.b;
    const idSlot = this.findId(a, b);
    if (this.idA[idSlot] === EMPTY) return undefined;
    const first = this.idFirst[idSlot]!;
    let cursors = this.streams.get(stream);
    const cursorSlot = cursors === undefined ? -1 : this.findCursor(stream, cursors.generation, a, b);
    const cursor = cursorSlot === -1 || this.cursorStream[cursorSlot] === EMPTY ? -1 : this.cursorSeq[cursorSlot]!;
    let chosen = -1;
    if (retain) {
      // A retained copy sent on subscription: the latest message with that content not yet matched here.
      const last = this.idLast[idSlot]!;
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
    if (cursor !== -1) {
      // This stream's cursor for the identity moves on (found above: no second look-up).
      this.cursorSeq[cursorSlot] = chosen;
    } else {
      if (cursors === undefined) {
        if (this.streams.size >= MAX_STREAMS) {
          this.streams.clear();
          this.resetCursors(16);
        }
        cursors = { generation: ++this.generation, count: 0 };
        this.streams.set(stream, cursors);
      }
      this.setCursor(stream, cursors, a, b, chosen);
    }
    const at = chosen % this.capacity;
    return this.matchAt(at, time);
  }

  /**
   * The broker at `brokerIp` sent `topic`/`payload` again to the subscriber on `stream`, whose `subscriptions` filters
   * (more than one) match the topic, and `forwarded` found no publish not yet matched there: a further copy, one per
   * matching subscription, of the publish the stream's cursor points at, if that publish is still remembered, was
   * made before this copy and has had fewer than `subscriptions` copies on the stream. Read the result before the
   * next call, as `forwarded`'s.
   */
  forwardedAgain(brokerIp: string, topic: string, payload: Buffer, stream: number, subscriptions: number, time: number): ForwardMatch | undefined {
    const cursors = this.streams.get(stream);
    if (cursors === undefined || subscriptions < 2) return undefined;
    const a = this.identity(brokerIp, topic, payload);
    const slot = this.findCursor(stream, cursors.generation, a, this.b);
    if (slot === -1 || this.cursorStream[slot] === EMPTY) return undefined;
    const seq = this.cursorSeq[slot]!;
    const at = seq % this.capacity;
    if (seq < this.head || this.times[at]! > time) return undefined;
    const key = `${stream} ${seq}`;
    const copies = (this.again.get(key) ?? 1) + 1;
    if (copies > subscriptions) return undefined;
    if (this.again.size >= MAX_AGAIN && !this.again.has(key)) this.again.clear();
    this.again.set(key, copies);
    return this.matchAt(at, time);
  }

  /** Fills the one reused ForwardMatch with the remembered publish in slot `at`, forwarded at `time`, and returns it. */
  private matchAt(at: number, time: number): ForwardMatch {
    const match = this.match;
    match.sourceFrame = this.frames[at]!;
    match.sourceTime = this.times[at]!;
    match.forwardDelayMs = (time - match.sourceTime) * 1000;
    match.willOf = this.willOwners.size > 0 ? this.willOwners.get(at) : undefined;
    this.lastMatched = at;
    return match;
  }

  /**
   * Identity of (broker, topic, payload): two 32-bit hashes (different seeds) of the broker and topic and of up to
   * 4 KiB of the payload (head and tail), mixed with the payload length. Returns the first half (never EMPTY) and
   * leaves the second in `this.b`.
   */
  private identity(brokerIp: string, topic: string, payload: Buffer): number {
    const n = payload.length;
    let a: number;
    let b: number;
    // The (broker, topic) part of both halves, hashed once per pair: topics are interned strings, so the Map finds
    // them by the hash V8 keeps in each string.
    const byTopic = this.brokerTopicHashes.get(brokerIp);
    const known = byTopic?.get(topic);
    if (known !== undefined) {
      a = known[0]!;
      b = known[1]! ^ n;
    } else {
      a = fnv(Math.imul(fnv(0x811c9dc5, brokerIp) ^ 0xff, 0x01000193), topic);
      const topicHash = fnv(0x01234567, topic);
      b = topicHash ^ n;
      this.rememberTopicHash(brokerIp, byTopic, topic, a, topicHash);
    }
    const headEnd = Math.min(n, 2048);
    a = finish(mixBytes(a, payload, 0, headEnd) ^ n);
    b = finish(mixBytes(b, payload, Math.max(headEnd, n - 2048), n) ^ a);
    this.b = b;
    return a === EMPTY ? 1 : a;
  }

  /** Keeps the (broker, topic) hashes of `identity`, at most MAX_TOPIC_HASHES pairs (then it starts again). */
  private rememberTopicHash(brokerIp: string, byTopic: Map<string, Int32Array> | undefined, topic: string, a: number, b: number): void {
    if (this.topicHashes >= MAX_TOPIC_HASHES) {
      this.brokerTopicHashes.clear();
      this.topicHashes = 0;
      byTopic = undefined;
    }
    if (byTopic === undefined) {
      byTopic = new Map();
      this.brokerTopicHashes.set(brokerIp, byTopic);
    }
    byTopic.set(topic, Int32Array.of(a, b));
    this.topicHashes++;
  }

  /** The identity's slot: where it is, or the empty slot where it would go. */
  private findId(a: number, b: number): number {
    const mask = this.idMask;
    let slot = slotOf(a, b, mask);
    while (this.idA[slot] !== EMPTY && (this.idA[slot] !== a || this.idB[slot] !== b)) slot = (slot + 1) & mask;
    return slot;
  }

  /** Removes the identity in `slot`, moving later entries of its probe run back (no tombstones). */
  private deleteId(slot: number): void {
    const mask = this.idMask;
    let hole = slot;
    let next = (hole + 1) & mask;
    while (this.idA[next] !== EMPTY) {
      const home = slotOf(this.idA[next]!, this.idB[next]!, mask);
      // The entry at `next` may fill the hole when its home is not cyclically within (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        this.idA[hole] = this.idA[next]!;
        this.idB[hole] = this.idB[next]!;
        this.idFirst[hole] = this.idFirst[next]!;
        this.idLast[hole] = this.idLast[next]!;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    this.idA[hole] = EMPTY;
  }

  /** The cursor's slot (live or to be filled), -1 when there is no table yet. */
  private findCursor(stream: number, generation: number, a: number, b: number): number {
    const mask = this.slotMask;
    let slot = slotOf(a ^ Math.imul(stream + 1, 0x27d4eb2d), b ^ generation, mask);
    while (this.cursorStream[slot] !== EMPTY && (this.cursorStream[slot] !== stream + 1
      || this.cursorGeneration[slot] !== generation || this.cursorA[slot] !== a || this.cursorB[slot] !== b)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private setCursor(stream: number, cursors: { generation: number; count: number }, a: number, b: number, seq: number): void {
    let slot = this.findCursor(stream, cursors.generation, a, b);
    if (this.cursorStream[slot] === EMPTY) {
      if (cursors.count >= MAX_CURSORS_PER_STREAM) {
        // This stream's cursors are forgotten: a new generation, whose entries are all that count.
        cursors.generation = ++this.generation;
        cursors.count = 0;
      }
      if ((this.cursorsUsed + 1) * 2 > this.cursorMask + 1) this.rebuildCursors();
      slot = this.findCursor(stream, cursors.generation, a, b);
      this.cursorStream[slot] = stream + 1;
      this.cursorGeneration[slot] = cursors.generation;
      this.cursorA[slot] = a;
      this.cursorB[slot] = b;
      this.cursorsUsed++;
      cursors.count++;
    }
    this.cursorSeq[slot] = seq;
  }

  /**
   * An empty cursor table of `size` slots by the rules. Its arrays are reused when they have at least that many
   * slots and at most eight times as many (a table that shrank a lot gives its memory back); else made anew.
   */
  private resetCursors(size: number): void {
    this.cursorMask = size - 1;
    const slots = this.slotMask + 1;
    if (slots >= size && slots <= size * 8) {
      this.cursorStream.fill(EMPTY);
    } else {
      this.slotMask = size - 1;
      this.cursorStream = new Int32Array(size);
      this.cursorGeneration = new Int32Array(size);
      this.cursorA = new Int32Array(size);
      this.cursorB = new Int32Array(size);
      this.cursorSeq = new Float64Array(size);
    }
    this.cursorsUsed = 0;
  }

  /** A cursor of a stream's current generation pointing at a publish still remembered. */
  private isLiveCursor(i: number): boolean {
    const s = this.cursorStream[i]!;
    // The cheap tests first: most stale cursors point before the ring's head.
    return s !== EMPTY && this.cursorSeq[i]! >= this.head && this.streams.get(s - 1)?.generation === this.cursorGeneration[i];
  }

  /**
   * A table sized for the live cursors (those of a stream's current generation that point at a remembered publish)
   * with room for three times as many more before the next rebuild; forgotten ones are dropped and each stream's count
   * is recounted.
   */
  private rebuildCursors(): void {
    let live = 0;
    const head = this.head;
    // Each stream's current generation, looked up once per stream rather than once per slot (direct-mapped on the
    // stream; a miss just asks the Map).
    const memoStream = this.memoStream.fill(EMPTY); // EMPTY (0) is no cursor stream: streams are stream + 1 (>= 1) or a shared group (<= -1)
    const memoGeneration = this.memoGeneration;
    for (let i = 0; i < this.cursorStream.length; i++) {
      const s = this.cursorStream[i]!;
      if (s === EMPTY || this.cursorSeq[i]! < head) continue;
      const m = s & MEMO_MASK;
      let generation: number;
      if (memoStream[m] === s) generation = memoGeneration[m]!;
      else {
        generation = this.streams.get(s - 1)?.generation ?? -1;
        memoStream[m] = s;
        memoGeneration[m] = generation;
      }
      if (generation !== this.cursorGeneration[i]) continue;
      if (live === this.liveStream.length) this.growLive();
      this.liveStream[live] = this.cursorStream[i]!;
      this.liveGeneration[live] = this.cursorGeneration[i]!;
      this.liveA[live] = this.cursorA[i]!;
      this.liveB[live] = this.cursorB[i]!;
      this.liveSeq[live] = this.cursorSeq[i]!;
      live++;
    }
    for (const cursors of this.streams.values()) cursors.count = 0;
    this.resetCursors(tableSize(Math.max(8, live * 4)));
    for (let i = 0; i < live; i++) {
      const s = this.liveStream[i]!;
      const slot = this.findCursor(s - 1, this.liveGeneration[i]!, this.liveA[i]!, this.liveB[i]!);
      this.cursorStream[slot] = s;
      this.cursorGeneration[slot] = this.liveGeneration[i]!;
      this.cursorA[slot] = this.liveA[i]!;
      this.cursorB[slot] = this.liveB[i]!;
      this.cursorSeq[slot] = this.liveSeq[i]!;
      this.cursorsUsed++;
      this.streams.get(s - 1)!.count++;
    }
  }

  /** Doubles the room for the live cursors a rebuild carries over. */
  private growLive(): void {
    const size = Math.max(64, this.liveStream.length * 2);
    const grow = <T extends Int32Array | Float64Array>(old: T, made: T): T => {
      made.set(old);
      return made;
    };
    this.liveStream = grow(this.liveStream, new Int32Array(size));
    this.liveGeneration = grow(this.liveGeneration, new Int32Array(size));
    this.liveA = grow(this.liveA, new Int32Array(size));
    this.liveB = grow(this.liveB, new Int32Array(size));
    this.liveSeq = grow(this.liveSeq, new Float64Array(size));
  }

  private expire(now: number): void {
    const window = this.options.windowSeconds;
    while (this.head < this.tail && now - this.times[this.head % this.capacity]! > window) this.dropOldest();
  }

  private dropOldest(): void {
    const at = this.head % this.capacity;
    const slot = this.findId(this.keysA[at]!, this.keysB[at]!);
    const next = this.nextSame[at]!;
    if (next === -1) this.deleteId(slot);
    else this.idFirst[slot] = next;
    this.head++;
  }
}
