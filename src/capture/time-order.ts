/**
 * Timestamps going backwards: a CaptureSink in front of the real one that notices a frame older than the frame
 * before it. The first such frame is one notice "capture.time-backwards" (with the size of the jump) as it is read;
 * when it happens again, finish() sends one more notice with the count and the first and last frames concerned, so
 * a capture written in reverse order gives two notices, not one per frame.
 * Does not: change or reorder timestamps (frames keep the times the file gives them, as in tshark), or judge what
 * downstream does with them (durations, latencies and RTTs are clamped where they are computed).
 */
import type { CaptureFrame, CaptureNotice, CaptureSink, DecryptionSecrets } from './types.js';

export class TimeOrderCheck implements CaptureSink {
  private lastSec = -Infinity;
  private lastNsec = 0;
  private lastFrame = 0;
  /** Frames older than the frame before them. */
  count = 0;
  private firstFrame = 0;
  private latestFrame = 0;

  constructor(private readonly sink: CaptureSink) {}

  frame(frame: CaptureFrame): void {
    const { tsSec, tsNsec } = frame;
    if (tsSec < this.lastSec || (tsSec === this.lastSec && tsNsec < this.lastNsec)) {
      this.count++;
      this.latestFrame = frame.frame;
      if (this.count === 1) {
        this.firstFrame = frame.frame;
        const back = (this.lastSec - tsSec) + (this.lastNsec - tsNsec) / 1e9;
        this.sink.notice({
          code: 'capture.time-backwards',
          frame: frame.frame,
          message: `frame ${frame.frame} is ${back.toFixed(6)} s older than frame ${this.lastFrame}: timestamps go backwards (no negative duration, latency or RTT is reported)`,
        });
      }
    }
    this.lastSec = tsSec;
    this.lastNsec = tsNsec;
    this.lastFrame = frame.frame;
    this.sink.frame(frame);
  }

  notice(notice: CaptureNotice): void {
    this.sink.notice(notice);
  }

  secrets(secrets: DecryptionSecrets): void {
    this.sink.secrets?.(secrets);
  }

  /** At the end of input: one notice summing up every backwards step after the first. */
  finish(): void {
    if (this.count < 2) return;
    this.sink.notice({
      code: 'capture.time-backwards',
      frame: this.latestFrame,
      message: `timestamps went backwards ${this.count} times in all (frames ${this.firstFrame} to ${this.latestFrame})`,
    });
  }
}
