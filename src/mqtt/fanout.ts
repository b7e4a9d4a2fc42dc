/**
 * Fan-out tracing: links each PUBLISH a broker sends to a subscriber with the PUBLISH a client sent to that broker
 * (same broker, topic and payload; the subscriber's filters match the topic; published after it subscribed, unless
 * the copy is a retained message), and gives the broker's forwarding delay. Memory is bounded: only recent publishes
 * are remembered (by count and by capture time). It does not decide what is a broker or a subscriber beyond the
 * connection's client/server roles.
 */

interface SourcePublish {
  frame: number;
  time: number;
  /** Streams this message was already matched to (a broker sends one copy per subscription); made on first match. */
  matched: Set<number> | undefined;
}

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

/** Payload identity for matching: its length and two 32-bit hashes of up to 4 KiB of it (head, and tail when longer). */
function payloadKey(payload: Buffer): string {
  const n = payload.length;
  const hashRange = (start: number, end: number): number => {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      hash ^= payload[i]!;
      hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
  };
  const head = hashRange(0, Math.min(n, 2048));
  const tail = n > 2048 ? hashRange(Math.max(2048, n - 2048), n) : 0;
  return `${n}#${head.toString(36)}#${tail.toString(36)}`;
}

export class FanoutTracer {
  /** Key (broker ip, topic, payload) to publishes oldest first. */
  private readonly sources = new Map<string, SourcePublish[]>();
  private remembered = 0;
  private readonly order: Array<{ key: string; entry: SourcePublish }> = [];
  private orderHead = 0;

  constructor(private readonly options: FanoutOptions) {}

  /** A client published `topic`/`payload` to the broker at `brokerIp`. */
  published(brokerIp: string, topic: string, payload: Buffer, frame: number, time: number): void {
    const key = `${brokerIp}\u0000${topic}\u0000${payloadKey(payload)}`;
    const entry: SourcePublish = { frame, time, matched: undefined };
    let list = this.sources.get(key);
    if (list === undefined) {
      list = [];
      this.sources.set(key, list);
    }
    list.push(entry);
    this.order.push({ key, entry });
    this.remembered++;
    this.expire(time);
  }

  /**
   * The broker at `brokerIp` sent `topic`/`payload` to the subscriber on `stream`, which subscribed at `subscribedAt`
   * (capture seconds; undefined when its SUBSCRIBE was not seen). Returns the source it copies, if any.
   */
  forwarded(brokerIp: string, topic: string, payload: Buffer, retain: boolean, stream: number,
    subscribedAt: number | undefined, time: number): ForwardMatch | undefined {
    const key = `${brokerIp}\u0000${topic}\u0000${payloadKey(payload)}`;
    const list = this.sources.get(key);
    if (list === undefined) return undefined;
    let chosen: SourcePublish | undefined;
    if (retain) {
      // A retained copy sent on subscription: the latest message with that content.
      for (let i = list.length - 1; i >= 0; i--) {
        const entry = list[i]!;
        if (entry.time <= time && entry.matched?.has(stream) !== true) { chosen = entry; break; }
      }
    }
    if (chosen === undefined) {
      for (const entry of list) {
        if (entry.matched?.has(stream) === true || entry.time > time) continue;
        if (subscribedAt !== undefined && entry.time < subscribedAt) continue;
        chosen = entry;
        break;
      }
    }
    if (chosen === undefined) return undefined;
    (chosen.matched ??= new Set()).add(stream);
    return { sourceFrame: chosen.frame, forwardDelayMs: (time - chosen.time) * 1000 };
  }

  private expire(now: number): void {
    const { maxRemembered, windowSeconds } = this.options;
    while (this.orderHead < this.order.length) {
      const oldest = this.order[this.orderHead]!;
      if (this.remembered <= maxRemembered && now - oldest.entry.time <= windowSeconds) break;
      this.orderHead++;
      this.remembered--;
      const list = this.sources.get(oldest.key);
      if (list !== undefined) {
        const i = list.indexOf(oldest.entry);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.sources.delete(oldest.key);
      }
    }
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }
}
