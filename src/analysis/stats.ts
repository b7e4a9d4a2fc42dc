/**
 * Bounded latency statistics: exact count, min, max and mean; median and p95 from a reservoir sample that is exact up
 * to `capacity` values. Memory stays constant however long the capture.
 */

import type { LatencyStats } from '../model/summary.js';

export type { LatencyStats };

export class LatencySample {
  private readonly values: number[] = [];
  private count = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  // Deterministic generator so that two runs on one capture agree.
  private seed = 0x2545f491;

  constructor(private readonly capacity = 10_000) {}

  add(value: number): void {
    // A negative latency comes from timestamps going backwards (capture.time-backwards): not a sample.
    if (!(value >= 0)) return;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.values.length < this.capacity) {
      this.values.push(value);
      return;
    }
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    const slot = this.seed % this.count;
    if (slot < this.capacity) this.values[slot] = value;
  }

  stats(): LatencyStats | undefined {
    if (this.count === 0) return undefined;
    // A typed array sorts numerically without a comparator call per step (the values are never NaN, see add).
    const sorted = Float64Array.from(this.values).sort();
    // Linear interpolation between closest ranks (the median of two values is their mean).
    const at = (q: number): number => {
      const rank = q * (sorted.length - 1);
      const low = Math.floor(rank);
      const high = Math.min(sorted.length - 1, low + 1);
      return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
    };
    return {
      count: this.count, minMs: this.min, medianMs: at(0.5), p95Ms: at(0.95), maxMs: this.max, meanMs: this.sum / this.count,
    };
  }
}
