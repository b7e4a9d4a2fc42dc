/**
 * Sliding windows of fixed-width time buckets: what the live view aggregates with, so that memory depends on the
 * window's length and never on how long the capture runs. `WindowCounter` sums values per bucket (messages, bytes);
 * `WindowSamples` keeps a bounded sample of values per bucket (latencies) for percentiles over the window.
 * Buckets are numbered from the capture's first frame (bucket b covers [b·width, (b+1)·width) seconds); a counter is
 * written only at the newest bucket and stale slots are cleared lazily, so an idle entity costs nothing per tick.
 * Pure data structures: no clock, no I/O.
 */

export class WindowCounter {
  private readonly slots: Float64Array;
  /** The newest bucket written (slots for older buckets within the window are still valid). */
  private newest = -1;

  constructor(readonly length: number) {
    this.slots = new Float64Array(length);
  }

  add(bucket: number, value: number): void {
    this.roll(bucket);
    const i = bucket % this.length;
    this.slots[i] = (this.slots[i] ?? 0) + value;
  }

  /** Sum over the `count` buckets ending at bucket `to` (count ≤ length). */
  sum(to: number, count = this.length): number {
    const from = Math.max(to - Math.min(count, this.length) + 1, this.newest - this.length + 1, 0);
    let total = 0;
    for (let b = from; b <= Math.min(to, this.newest); b++) total += this.slots[b % this.length] ?? 0;
    return total;
  }

  /** The value of one bucket (0 when outside the window). */
  at(bucket: number): number {
    if (bucket > this.newest || bucket <= this.newest - this.length || bucket < 0) return 0;
    return this.slots[bucket % this.length] ?? 0;
  }

  /** The newest bucket that holds anything (-1 when never written). */
  get lastBucket(): number {
    return this.newest;
  }

  private roll(bucket: number): void {
    if (bucket <= this.newest) return;
    const clear = Math.min(bucket - this.newest, this.length);
    for (let k = 1; k <= clear; k++) this.slots[(this.newest + k) % this.length] = 0;
    this.newest = bucket;
  }
}

/**
 * Values per bucket, at most `perBucket` kept in each (the first ones of the bucket; the count stays exact), for
 * percentiles over the last buckets.
 */
export class WindowSamples {
  private readonly buckets: number[][];
  private readonly counts: Float64Array;
  private newest = -1;

  constructor(readonly length: number, private readonly perBucket = 512) {
    this.buckets = Array.from({ length }, () => []);
    this.counts = new Float64Array(length);
  }

  add(bucket: number, value: number): void {
    if (bucket > this.newest) {
      const clear = Math.min(bucket - this.newest, this.length);
      for (let k = 1; k <= clear; k++) {
        const i = (this.newest + k) % this.length;
        this.buckets[i]!.length = 0;
        this.counts[i] = 0;
      }
      this.newest = bucket;
    }
    if (bucket <= this.newest - this.length || bucket < 0) return;
    const i = bucket % this.length;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    const values = this.buckets[i]!;
    if (values.length < this.perBucket) values.push(value);
  }

  /** Count, p50 and p95 over the `count` buckets ending at `to`; undefined when there is no value. */
  stats(to: number, count = this.length): WindowStats | undefined {
    const from = Math.max(to - Math.min(count, this.length) + 1, this.newest - this.length + 1, 0);
    const values: number[] = [];
    let n = 0;
    for (let b = from; b <= Math.min(to, this.newest); b++) {
      const i = b % this.length;
      n += this.counts[i] ?? 0;
      for (const v of this.buckets[i]!) values.push(v);
    }
    if (n === 0 || values.length === 0) return undefined;
    values.sort((a, b) => a - b);
    return { count: n, p50Ms: micro(percentile(values, 0.5)), p95Ms: micro(percentile(values, 0.95)), maxMs: micro(values[values.length - 1]!) };
  }

  get lastBucket(): number {
    return this.newest;
  }
}

export interface WindowStats {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Linear interpolation between closest ranks, as the summary's latency statistics do. */
export function percentile(sorted: readonly number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** Milliseconds rounded to the microsecond (what a capture's timestamps can tell). */
function micro(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
