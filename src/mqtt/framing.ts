/**
 * MQTT framing for one direction of a connection: finds control-packet boundaries in the ordered byte stream
 * (fixed header + Remaining Length), across segment boundaries and several packets per segment, and hands each
 * complete packet on with the frames that carried it. After a gap or a broken header it resynchronises on the next
 * plausible fixed header. Packets larger than the cap are not buffered: their head is kept, the rest is skipped.
 * The carry (an incomplete packet) is one buffer whose capacity doubles up to the announced length, charged to the
 * memory budget with its frame list; when the budget refuses, the packet keeps its head and the rest is skipped.
 * It does not decode packet contents (decode.ts does).
 */
import type { MemoryBudget } from '../model/budget.js';

import { plausibleFirstByte } from './reader/fixed-header.js';
import { readRemainingLength, varintAt, varintLength } from './reader/variable-integer.js';

export interface FramedPacket {
  /** The whole control packet (fixed header included), or its head when `truncatedTo` is set. */
  bytes: Buffer;
  /** First byte of the fixed header. */
  firstByte: number;
  /** Remaining Length from the fixed header. */
  remainingLength: number;
  headerLength: number;
  /** Frames that carried the packet, in order; the last one completed it. */
  frames: number[];
  time: number;
  /** Set when only the first bytes were kept (the packet exceeded the cap or the stream had a hole inside it). */
  truncatedTo?: number | undefined;
}

export interface FramerEvents {
  /**
   * A whole packet (or the head of one). The object of a packet framed straight from a segment is refilled for the
   * next one: read it during the call (its `bytes` and `frames` may be kept, not the object itself).
   */
  packet(packet: FramedPacket): void;
  /** Bytes that could not be framed (garbage before a valid header, a bad Remaining Length...). */
  garbage(code: 'mqtt.bad-remaining-length' | 'mqtt.resync' | 'mqtt.incomplete-at-end', bytes: number, frame: number, time: number): void;
  /** A packet larger than the cap: its head was kept, the rest skipped. */
  oversize(remainingLength: number, frame: number, time: number): void;
}

export interface FramerOptions {
  /** Largest packet (header included) buffered whole. */
  maxPacketBytes: number;
  /** The analysis' memory budget ('framer-carry'): the carry's capacity and frame numbers are charged to it. */
  budget?: MemoryBudget;
}

/** Bytes charged per frame number remembered for a packet in progress. */
const FRAME_ENTRY_BYTES = 8;

/** Head kept of a packet the budget refused to buffer further. */
const REFUSED_HEAD_BYTES = 4096;

/** The frame list of no packet in progress (never added to: a carry always comes with its own list). */
const NO_FRAMES: number[] = Object.freeze<number[]>([]) as number[];

export class MqttFramer {
  /** Bytes of an incomplete packet (or header) waiting for more: a view of the start of `carryStore`. */
  private carry: Buffer | null = null;
  /**
   * The carry's storage: once the packet's length is known, later segments are copied in place, its capacity
   * doubling up to that length (one copy per byte amortised; no Buffer object per segment).
   */
  private carryStore: Buffer | null = null;
  private carryFrames: number[] = NO_FRAMES;
  /** Total length of the packet held in `carry`, when its header has been read (0: not known yet). */
  private carryNeed = 0;
  /** Bytes charged to the budget for the carry (capacity + frame numbers) and for the skipped packet's frames. */
  private charged = 0;
  /** Oversized packet in progress: bytes still to skip. */
  private skipping = 0;
  private skipPacket: FramedPacket | null = null;
  /** After a gap: look for a plausible header instead of trusting the next byte. */
  private resync = false;
  /** Bytes skipped by the resynchronisation in progress, and where it was when it last skipped. */
  private resyncSkipped = 0;
  private resyncFrame = 0;
  private resyncTime = 0;
  /** Frame and time of the last bytes pushed: the frame that carried the bytes held while resynchronising. */
  private lastFrame = 0;
  private lastTime = 0;
  /** Packets still to check strictly after a resynchronisation. */
  private probation = 0;
  /** The packet handed to `events.packet` for packets framed straight from the bytes: refilled per packet. */
  private readonly framed: FramedPacket = {
    bytes: Buffer.alloc(0), firstByte: 0, remainingLength: 0, headerLength: 0, frames: NO_FRAMES, time: 0, truncatedTo: undefined,
  };
  /** Bytes currently held. */
  get buffered(): number {
    return this.carry?.length ?? 0;
  }

  constructor(
    private readonly events: FramerEvents,
    private readonly options: FramerOptions,
  ) {}

  push(data: Buffer, frame: number, time: number): void {
    this.lastFrame = frame;
    this.lastTime = time;
    if (this.carry === null && this.skipping === 0) {
      // Nothing held: the segment is framed from its own bytes.
      this.consume(data, 0, [frame], frame, time);
      return;
    }
    let offset = 0;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      offset = n;
      const pending = this.skipPacket!;
      this.addFrame(pending.frames, frame);
      if (this.skipping === 0) {
        this.skipPacket = null;
        pending.time = time;
        this.recharge();
        this.events.packet(pending);
      }
      if (offset >= data.length) return;
    }
    let buf = data;
    if (this.carry !== null) {
      const rest = offset === 0 ? data : data.subarray(offset);
      const need = this.carryNeed;
      if (need > 0) {
        const held = this.carry.length;
        const take = Math.min(rest.length, need - held);
        if (!this.appendCarry(rest.subarray(0, take), frame)) {
          // The budget refused: the packet keeps its head and the rest of it is skipped.
          this.refuseCarry(frame, time);
          this.push(rest, frame, time);
          return;
        }
        if (held + take < need) return;
        // The packet is complete: framed from the carry, then the rest of the segment from its own bytes.
        const whole = this.carry;
        const frames = this.carryFrames;
        this.clearCarry();
        this.consume(whole, 0, frames, frame, time);
        if (take < rest.length) this.push(rest.subarray(take), frame, time);
        return;
      }
      buf = Buffer.concat([this.carry, rest]);
      offset = 0;
      const held = this.carryFrames;
      this.clearCarry();
      this.carryFrames = held;
    }
    let frames = this.carryFrames;
    if (frames === NO_FRAMES) frames = [frame];
    else if (frames[frames.length - 1] !== frame) frames.push(frame);
    this.carryFrames = NO_FRAMES;
    this.consume(buf, offset, frames, frame, time);
  }

  /**
   * `length` bytes were never seen. When they fall inside the packet in progress (whose length is known), framing
   * stays in step: the packet is reported with the head that was seen (`truncatedTo`). Otherwise the packet in
   * progress is abandoned and framing resynchronises on the next plausible header.
   */
  gap(length: number, frame: number, time: number): void {
    if (this.skipPacket !== null) {
      const pending = this.skipPacket;
      this.addFrame(pending.frames, frame);
      if (length < this.skipping) {
        this.skipping -= length;
        return;
      }
      const beyond = length - this.skipping;
      this.skipPacket = null;
      this.skipping = 0;
      pending.time = time;
      this.recharge();
      this.events.packet(pending);
      if (beyond > 0) this.startResync();
      return;
    }
    const carry = this.carry;
    if (carry !== null && carry.length > 0 && !this.resync) {
      const [remaining, lengthBytes] = readRemainingLength(carry, 1);
      if (remaining >= 0) {
        const total = 1 + lengthBytes + remaining;
        const missing = total - carry.length;
        if (length <= missing) {
          const frames = this.carryFrames;
          this.addFrame(frames, frame);
          const packet: FramedPacket = {
            bytes: carry, firstByte: carry[0]!, remainingLength: remaining, headerLength: 1 + lengthBytes, frames, time,
            truncatedTo: carry.length,
          };
          this.clearCarry();
          if (length === missing) {
            this.events.packet(packet);
          } else {
            this.skipPacket = packet;
            this.skipping = missing - length;
            this.recharge();
          }
          return;
        }
      }
    }
    this.startResync();
  }

  /** Counts bytes skipped while resynchronising: one finding per episode, not one per segment. */
  private skipResync(bytes: number, frame: number, time: number): void {
    this.resyncSkipped += bytes;
    this.resyncFrame = frame;
    this.resyncTime = time;
  }

  /** Reports the bytes skipped by the resynchronisation that just ended (or was interrupted). */
  private reportResync(): void {
    if (this.resyncSkipped > 0) this.events.garbage('mqtt.resync', this.resyncSkipped, this.resyncFrame, this.resyncTime);
    this.resyncSkipped = 0;
  }

  private startResync(): void {
    this.reportResync();
    if (this.carry !== null && this.carry.length > 0) this.skipResync(this.carry.length, this.lastFrame, this.lastTime);
    this.clearCarry();
    this.resync = true;
  }

  /** Holds `bytes` (a copy the framer owns) as the carry of a packet of `need` bytes (0: length not known yet). */
  private holdCarry(bytes: Buffer, frames: number[], need: number): void {
    this.carry = bytes;
    this.carryStore = bytes;
    this.carryFrames = frames;
    this.carryNeed = need;
    this.recharge();
  }

  /** Drops the carry (its bytes stay valid for whoever took them) and gives its charge back. */
  private clearCarry(): void {
    this.carry = null;
    this.carryStore = null;
    this.carryFrames = NO_FRAMES;
    this.carryNeed = 0;
    this.recharge();
  }

  /**
   * Appends in-order bytes of the packet in progress to the carry, growing its storage by doubling (never past the
   * packet's length). False when the budget refuses the growth (nothing appended).
   */
  private appendCarry(bytes: Buffer, frame: number): boolean {
    const carry = this.carry!;
    const length = carry.length + bytes.length;
    let store = this.carryStore!;
    if (length > store.length) {
      const capacity = Math.min(this.carryNeed, Math.max(length, store.length * 2, 256));
      if (!this.charge(capacity - store.length)) return false;
      const grown = Buffer.allocUnsafe(capacity);
      carry.copy(grown, 0);
      store = grown;
      this.carryStore = grown;
    }
    bytes.copy(store, carry.length);
    this.carry = store.subarray(0, length);
    this.addFrame(this.carryFrames, frame);
    return true;
  }

  /**
   * The budget refused to hold more of the packet in progress: it becomes a skipped packet with a short head (like
   * one past --max-packet-bytes), reported when its last byte has gone by.
   */
  private refuseCarry(frame: number, time: number): void {
    const carry = this.carry!;
    const [remaining, lengthBytes] = readRemainingLength(carry, 1);
    const keep = Math.min(carry.length, REFUSED_HEAD_BYTES);
    const frames = this.carryFrames;
    this.addFrame(frames, frame);
    const packet: FramedPacket = {
      bytes: Buffer.from(carry.subarray(0, keep)), firstByte: carry[0]!, remainingLength: remaining,
      headerLength: 1 + lengthBytes, frames, time, truncatedTo: keep,
    };
    this.skipping = this.carryNeed - carry.length;
    this.clearCarry();
    this.skipPacket = packet;
    this.recharge();
  }

  /** Records that `frame` carried bytes of a packet; past the budget only the last frame is kept up to date. */
  private addFrame(frames: number[], frame: number): boolean {
    if (frames[frames.length - 1] === frame) return true;
    if (frames.length > 1 && !this.charge(FRAME_ENTRY_BYTES)) {
      frames[frames.length - 1] = frame;
      return false;
    }
    frames.push(frame);
    return true;
  }

  /** Charges the budget (when there is one); false when refused. */
  private charge(bytes: number): boolean {
    const budget = this.options.budget;
    if (budget === undefined) return true;
    if (!budget.tryCharge(bytes, 'framer-carry')) return false;
    this.charged += bytes;
    return true;
  }

  /** Sets the charge to what is held now: the carry's storage and frames, the skipped packet's head and frames. */
  private recharge(): void {
    const budget = this.options.budget;
    if (budget === undefined) return;
    const held = (this.carryStore?.length ?? 0) + this.carryFrames.length * FRAME_ENTRY_BYTES
      + (this.skipPacket !== null ? this.skipPacket.bytes.length + this.skipPacket.frames.length * FRAME_ENTRY_BYTES : 0);
    if (held > this.charged) {
      // What is already held is charged even past the limit (it is there); growth is what the budget refuses.
      if (!budget.tryCharge(held - this.charged, 'framer-carry')) return;
    } else budget.release(this.charged - held, 'framer-carry');
    this.charged = held;
  }

  /** End of stream: an incomplete packet left over is reported. */
  end(frame: number, time: number): void {
    if (this.resync && this.carry !== null) {
      // Bytes kept while looking for a header are not an unfinished packet: they were skipped (in the frame that carried them).
      this.skipResync(this.carry.length, this.lastFrame, this.lastTime);
      this.clearCarry();
    }
    this.reportResync();
    if (this.skipPacket !== null) {
      const pending = this.skipPacket;
      this.skipPacket = null;
      this.skipping = 0;
      this.recharge();
      this.events.packet(pending);
    }
    if (this.carry !== null && this.carry.length > 0) {
      this.events.garbage('mqtt.incomplete-at-end', this.carry.length, frame, time);
    }
    this.clearCarry();
  }

  private consume(buf: Buffer, start: number, frames: number[], frame: number, time: number): void {
    let offset = start;
    let packetFrames = frames;
    let need = 0;
    const max = this.options.maxPacketBytes;
    while (offset < buf.length) {
      if (this.resync) {
        const found = this.findHeader(buf, offset);
        if (found === null) {
          // Keep a short tail in case a header straddles the next segment.
          const keep = Math.min(buf.length - offset, 5);
          const dropped = buf.length - offset - keep;
          if (dropped > 0) this.skipResync(dropped, frame, time);
          this.holdCarry(Buffer.from(buf.subarray(buf.length - keep)), [frame], 0);
          return;
        }
        if (found.at > offset) this.skipResync(found.at - offset, frame, time);
        offset = found.at;
        if (!found.verified && buf.length - offset < RESYNC_WINDOW) {
          // Not sure yet: wait for the bytes that show whether the next header follows where this one says.
          this.holdCarry(Buffer.from(buf.subarray(offset)), [frame], 0);
          return;
        }
        this.resync = false;
        this.probation = RESYNC_CHAIN;
        this.reportResync();
      }
      const firstByte = buf[offset]!;
      if (this.probation > 0 && !plausibleFirstByte(firstByte)) {
        // Right after a resynchronisation an implausible header means the guess was wrong: look again.
        this.resync = true;
        this.probation = 0;
        continue;
      }
      const remaining = varintAt(buf, offset + 1);
      const lengthBytes = varintLength;
      if (remaining === -2) {
        this.events.garbage('mqtt.bad-remaining-length', buf.length - offset, frame, time);
        this.resync = true;
        offset += 1;
        packetFrames = [frame];
        continue;
      }
      if (remaining === -1) break;
      const headerLength = 1 + lengthBytes;
      const total = headerLength + remaining;
      if (total > max) {
        const available = buf.length - offset;
        const keep = Math.min(available, max, total);
        const packet: FramedPacket = {
          bytes: Buffer.from(buf.subarray(offset, offset + keep)),
          firstByte, remainingLength: remaining, headerLength, frames: packetFrames, time,
          truncatedTo: keep,
        };
        this.events.oversize(remaining, frame, time);
        if (available >= total) {
          this.events.packet(packet);
          offset += total;
          packetFrames = [frame];
          continue;
        }
        this.skipping = total - available;
        this.skipPacket = packet;
        this.recharge();
        return;
      }
      if (buf.length - offset < total) {
        need = total;
        break;
      }
      const framed = this.framed;
      // A segment that is exactly one packet is handed on as it is (no view made for it).
      framed.bytes = offset === 0 && total === buf.length ? buf : buf.subarray(offset, offset + total);
      framed.firstByte = firstByte;
      framed.remainingLength = remaining;
      framed.headerLength = headerLength;
      framed.frames = packetFrames;
      framed.time = time;
      this.events.packet(framed);
      offset += total;
      packetFrames = [frame];
      if (this.probation > 0) this.probation--;
    }
    if (offset < buf.length) this.holdCarry(Buffer.from(buf.subarray(offset)), packetFrames, need);
  }

  /**
   * First offset >= start holding a plausible fixed header: a known type with the required flags, a valid Remaining
   * Length within the cap, a body that fits the type, and (when the bytes are there) another plausible header right
   * after it. `verified` is false when the packet runs past the bytes available, so that check is still to come.
   */
  private findHeader(buf: Buffer, start: number): { at: number; verified: boolean } | null {
    for (let i = start; i < buf.length; i++) {
      const verdict = this.chain(buf, i);
      if (verdict === 'no') continue;
      return { at: i, verified: verdict === 'yes' };
    }
    return null;
  }

  /**
   * Follows fixed headers from `at`: 'yes' when RESYNC_CHAIN plausible packets follow each other (or end exactly at
   * the end of the bytes), 'no' when one is implausible, 'maybe' when the bytes run out first.
   */
  private chain(buf: Buffer, at: number): 'yes' | 'no' | 'maybe' {
    let i = at;
    for (let depth = 0; depth < RESYNC_CHAIN; depth++) {
      if (i === buf.length) return depth > 0 ? 'yes' : 'maybe';
      const firstByte = buf[i]!;
      if (!plausibleFirstByte(firstByte)) return 'no';
      const [remaining, lengthBytes] = readRemainingLength(buf, i + 1);
      if (remaining === -2) return 'no';
      if (remaining === -1) return 'maybe';
      if (1 + lengthBytes + remaining > this.options.maxPacketBytes) return 'no';
      if (!plausibleBody(buf, firstByte >> 4, i + 1 + lengthBytes, remaining)) return 'no';
      i += 1 + lengthBytes + remaining;
      if (i > buf.length) return 'maybe';
    }
    return 'yes';
  }
}

/** Consecutive plausible packets that confirm a resynchronisation point. */
const RESYNC_CHAIN = 3;

/** Bytes of look-ahead kept while a resynchronisation candidate is checked. */
const RESYNC_WINDOW = 64 * 1024;

/** Type-specific sanity of a packet body, as far as the bytes go (used only when resynchronising). */
function plausibleBody(buf: Buffer, type: number, body: number, remaining: number): boolean {
  const available = buf.length - body;
  switch (type) {
    case 1: // CONNECT: protocol name "MQTT" or "MQIsdp"
      if (remaining < 10) return false;
      if (available >= 2) { const n = buf.readUInt16BE(body); return n === 4 || n === 6; }
      return true;
    case 2: // CONNACK: flags byte 0 or 1
      return remaining >= 2 && (available < 1 || buf[body]! <= 1);
    case 3: { // PUBLISH: topic length fits
      if (remaining < 2) return false;
      if (available >= 2) return buf.readUInt16BE(body) + 2 <= remaining;
      return true;
    }
    case 4: case 5: case 6: case 7: case 11:
      return remaining >= 2;
    case 8: case 10: // SUBSCRIBE / UNSUBSCRIBE: id + at least one filter
      return remaining >= 5;
    case 9:
      return remaining >= 3;
    case 12: case 13:
      return remaining === 0;
    default:
      return true;
  }
}
