/**
 * FrameSet: the frames that prove a diagnosis, kept bounded (first and last frame, how many, and up to 20 of them in
 * order). Frames may arrive out of order (MQTT packets released after a TCP hole); the kept ones are sorted. Sets
 * merge whole (merge: count, first and last of both), not through the frames they keep. Frames added with their time
 * (the time their event carries) give the set the time of its first frame, `firstTime`: a diagnosis is timed there,
 * at its first evidence, without arithmetic. It decides nothing about what the frames mean.
 */
import type { FindingEvidence } from '../model/events.js';

const KEPT = 20;

export class FrameSet {
  private first = Number.POSITIVE_INFINITY;
  private last = 0;
  private n = 0;
  /** The time of the first frame, when it was added with its time. */
  private firstAt: number | undefined;
  private readonly kept: number[] = [];

  /** Adds a frame; with `time`, the time its event carries (kept when it is the first frame). */
  add(frame: number, time?: number): this {
    if (frame <= 0) return this;
    this.n++;
    if (frame < this.first) { this.first = frame; this.firstAt = time; }
    else if (frame === this.first && this.firstAt === undefined) this.firstAt = time;
    if (frame > this.last) this.last = frame;
    if (this.kept.length < KEPT) this.kept.push(frame);
    return this;
  }

  addAll(frames: Iterable<number>): this {
    for (const f of frames) this.add(f);
    return this;
  }

  /** Adds every frame of `other`: its count, first and last frame, and its kept frames while there is room. */
  merge(other: FrameSet): this {
    if (other.n === 0) return this;
    this.n += other.n;
    if (other.first < this.first) { this.first = other.first; this.firstAt = other.firstAt; }
    else if (other.first === this.first && this.firstAt === undefined) this.firstAt = other.firstAt;
    if (other.last > this.last) this.last = other.last;
    for (const f of other.kept) {
      if (this.kept.length >= KEPT) break;
      this.kept.push(f);
    }
    return this;
  }

  get count(): number { return this.n; }
  get firstFrame(): number { return this.n === 0 ? 0 : this.first; }
  /** The time of the first frame, when that frame was added with its time (else undefined). */
  get firstTime(): number | undefined { return this.n === 0 ? undefined : this.firstAt; }

  evidence(): FindingEvidence {
    const frames = [...new Set(this.kept)].sort((a, b) => a - b);
    return { firstFrame: this.firstFrame, lastFrame: this.last, count: this.n, frames };
  }
}
