/**
 * One direction of a TCP connection, reassembled: segments in, ordered bytes out.
 * Delivers to a StreamHandler exactly three things (Zeek's analyzer contract): data in order, a gap (bytes never seen),
 * end of stream. Retransmitted and overlapping bytes are delivered once; out-of-order segments are copied and held
 * until the hole is filled, the peer acknowledges past the hole (the capture missed it), a cap is hit, or the stream ends.
 * Held bytes released by the segment that fills the hole are delivered with that segment's frame and time (the frame
 * that completed them, as tshark with tcp.reassemble_out_of_order); released by a declared hole, with their own.
 * It does not interpret the bytes, detect protocols or flag TCP anomalies (see tcp-analysis.ts).
 */
import { seqAdd, seqDiff } from './sequence.js';
import type { MemoryBudget } from '../model/budget.js';

export interface StreamHandler {
  /**
   * In-order bytes, with the frame that made them available in order: the frame that carried them, or, for bytes held
   * out of order, the frame that filled the hole before them. `data` is only valid during the call.
   */
  data(data: Buffer, frame: number, time: number): void;
  /** `length` bytes were never seen; `afterFrame` is the last frame before the hole, `beforeFrame` the first after it. */
  gap(length: number, afterFrame: number | undefined, beforeFrame: number, time: number, cause: GapCause): void;
  /** No more data in this direction. */
  end(reason: StreamEndReason, frame: number, time: number): void;
}

/** 'lost': the capture never saw the bytes; 'snaplen': the segment was seen but cut by the snapshot length. */
export type GapCause = 'lost' | 'snaplen';

export type StreamEndReason = 'fin' | 'rst' | 'capture-end' | 'evicted' | 'port-reused';

interface PendingSegment {
  seq: number;
  data: Buffer;
  frame: number;
  time: number;
}

/** Shared byte budget for out-of-order data across all streams. */
export class BufferBudget {
  used = 0;
  /** The analysis' memory budget ('reassembly'), charged with the same costs. */
  constructor(readonly limit: number, readonly memory?: MemoryBudget) {}
}

export interface ReassemblyLimits {
  /** Maximum out-of-order bytes held for one direction. */
  maxPendingBytesPerStream: number;
  /** Shared budget across all directions. */
  budget: BufferBudget;
}

export type SegmentVerdict = 'new' | 'old' | 'future' | 'partial-old';

/**
 * Bytes charged against the caps for each held segment on top of its payload (the copy's Buffer object and the
 * bookkeeping cost about this much), so that a flood of tiny out-of-order segments is bounded by the same caps.
 */
export const HELD_SEGMENT_OVERHEAD = 256;

/** Compact the held list once this many entries at its front have been consumed. */
const COMPACT_AFTER = 1024;

export class TcpStreamReassembler {
  /** Next sequence number expected (undefined until the first segment). */
  private nextSeq: number | undefined;
  /** Held segments sorted by sequence number; entries before `head` are already consumed. */
  private pending: PendingSegment[] = [];
  private head = 0;
  /** Bytes charged for the held segments (payload + HELD_SEGMENT_OVERHEAD each). */
  private pendingBytes = 0;
  private lastFrame: number | undefined;
  private ended = false;
  /** Bytes delivered and bytes declared lost. */
  delivered = 0;
  lost = 0;
  /** Called when a cap forces a hole to be declared (the caller records a finding). */
  onCapHit: ((frame: number, heldBytes: number, time: number) => void) | undefined;

  constructor(
    private readonly handler: StreamHandler,
    private readonly limits: ReassemblyLimits,
  ) {}

  get expectedSeq(): number | undefined {
    return this.nextSeq;
  }

  get pendingSegments(): number {
    return this.pending.length - this.head;
  }

  /** A SYN fixes the initial sequence number: data starts at isn + 1. */
  synchronize(isn: number): void {
    if (this.nextSeq === undefined) this.nextSeq = seqAdd(isn, 1);
  }

  /**
   * Offers one segment's payload. Returns how it relates to what was already seen:
   * 'new' (delivered now), 'old' (entirely seen before), 'partial-old' (overlap, new part delivered), 'future' (held).
   */
  segment(seq: number, payload: Buffer, frame: number, time: number): SegmentVerdict {
    if (this.ended || payload.length === 0) return 'old';
    if (this.nextSeq === undefined) this.nextSeq = seq;
    const offset = seqDiff(seq, this.nextSeq);
    if (offset + payload.length <= 0) return 'old';
    if (offset <= 0) {
      this.deliver(offset === 0 ? payload : payload.subarray(-offset), frame, time);
      // Held bytes this segment now joins to the stream: completed by this frame.
      this.drain(frame, time);
      return offset === 0 ? 'new' : 'partial-old';
    }
    this.hold(seq, payload, frame, time);
    return 'future';
  }

  /**
   * The peer acknowledged up to `ack`: bytes before it reached the receiver, so if they are still missing here the
   * capture lost them. Declares the hole so that what follows is not held forever.
   */
  acknowledged(ack: number, frame: number, time: number): void {
    if (this.ended || this.nextSeq === undefined || this.head >= this.pending.length) return;
    if (seqDiff(ack, this.nextSeq) <= 0) return;
    const first = this.pending[this.head]!;
    // Skip to the first held segment if the ACK covers the hole up to it, else to the ACK itself.
    const target = seqDiff(ack, first.seq) >= 0 ? first.seq : ack;
    this.skipTo(target, frame, time);
    this.drain();
  }

  /** End of this direction: flushes what is held (declaring holes), then reports the end. */
  finish(reason: StreamEndReason, frame: number, time: number): void {
    if (this.ended) return;
    this.flush(frame, time);
    this.ended = true;
    this.handler.end(reason, frame, time);
  }

  /** Declares the bytes up to `seq` lost (a snaplen cut them), then delivers what held data follows. */
  forceSkip(seq: number, frame: number, time: number): void {
    if (this.ended || this.nextSeq === undefined) return;
    this.skipTo(seq, frame, time, 'snaplen');
    this.drain();
  }

  /** Delivers everything held, declaring the holes between. */
  flush(frame: number, time: number): void {
    while (this.head < this.pending.length) {
      const first = this.pending[this.head]!;
      this.skipTo(first.seq, first.frame, time);
      this.drain();
    }
    void frame;
  }

  release(): void {
    this.limits.budget.used -= this.pendingBytes;
    this.limits.budget.memory?.release(this.pendingBytes, 'reassembly');
    this.pendingBytes = 0;
    this.pending = [];
    this.head = 0;
  }

  private deliver(data: Buffer, frame: number, time: number): void {
    this.nextSeq = seqAdd(this.nextSeq!, data.length);
    this.delivered += data.length;
    this.lastFrame = frame;
    this.handler.data(data, frame, time);
  }

  private skipTo(seq: number, frame: number, time: number, cause: GapCause = 'lost'): void {
    const length = seqDiff(seq, this.nextSeq!);
    if (length <= 0) return;
    this.lost += length;
    this.handler.gap(length, this.lastFrame, frame, time, cause);
    this.nextSeq = seq;
  }

  private hold(seq: number, payload: Buffer, frame: number, time: number): void {
    const { budget, maxPendingBytesPerStream } = this.limits;
    const cost = payload.length + HELD_SEGMENT_OVERHEAD;
    if (this.pendingBytes + cost > maxPendingBytesPerStream || budget.used + cost > budget.limit
      || budget.memory?.tryCharge(cost, 'reassembly') === false) {
      // Cap hit: give up waiting for the hole before the earliest held data.
      this.onCapHit?.(frame, this.pendingBytes, time);
      if (this.head < this.pending.length) {
        this.flush(frame, time);
      }
      const offset = seqDiff(seq, this.nextSeq!);
      if (offset > 0) this.skipTo(seq, frame, time);
      this.segment(seq, payload, frame, time);
      return;
    }
    const copy = Buffer.from(payload);
    const entry: PendingSegment = { seq, data: copy, frame, time };
    // Insert sorted by sequence number, after entries with the same one (binary search: a flood arriving in
    // descending order must not cost a walk over the whole list per segment).
    const list = this.pending;
    let lo = this.head;
    let hi = list.length;
    if (hi > lo && seqDiff(list[hi - 1]!.seq, seq) <= 0) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqDiff(list[mid]!.seq, seq) > 0) hi = mid;
      else lo = mid + 1;
    }
    if (lo === list.length) list.push(entry);
    else list.splice(lo, 0, entry);
    this.pendingBytes += cost;
    budget.used += cost;
  }

  /** Delivers the held segments that now follow in order: with `frame`/`time` when given, else their own. */
  private drain(frame?: number, time?: number): void {
    const list = this.pending;
    while (this.head < list.length) {
      const first = list[this.head]!;
      const offset = seqDiff(first.seq, this.nextSeq!);
      if (offset > 0) break;
      // Consume from the front by index (Array.shift() is linear in the list length).
      list[this.head++] = undefined as unknown as PendingSegment;
      const cost = first.data.length + HELD_SEGMENT_OVERHEAD;
      this.pendingBytes -= cost;
      this.limits.budget.used -= cost;
      this.limits.budget.memory?.release(cost, 'reassembly');
      if (offset + first.data.length > 0) {
        this.deliver(offset === 0 ? first.data : first.data.subarray(-offset), frame ?? first.frame, time ?? first.time);
      }
    }
    if (this.head === list.length) {
      list.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= list.length) {
      list.splice(0, this.head);
      this.head = 0;
    }
  }
}
