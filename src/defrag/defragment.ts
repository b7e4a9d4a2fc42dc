/**
 * IP defragmentation (IPv4, and IPv6 Fragment headers), as tshark does by default (ip.defragment, ipv6.defragment):
 * fragments are held per datagram — IPv4 (src, dst, protocol, id), IPv6 (src, dst, id) — and when the last missing
 * byte arrives the datagram's payload is decoded (TCP, UDP...) as a DecodedFrame of the frame that completed it, so
 * the layers above see the segment at that frame, like tshark.
 *
 * Bounds: a datagram holds at most 65 535 bytes in at most 1 024 fragments; at most 1 024 datagrams wait at once
 * (the oldest is given up past it) for at most 30 s (IPv4) / 60 s (IPv6) of capture time (Linux's ipfrag_time); the
 * bytes held are charged to the memory budget ('ip-fragments'), and a datagram whose fragment the budget refuses is
 * given up. Hostile fragments are findings, never exceptions: `ip.fragment-overlap` (bytes that differ from those
 * already held for the same offsets: the first bytes are kept, as RFC 5722 asks of IPv6 and Linux does),
 * `ip.fragment-bad` (past 65 535 bytes, a non-last fragment whose length is not a multiple of 8 or is 0, a second
 * last fragment that disagrees on the end, data past the end: the fragment is skipped) and `ip.fragment-incomplete`
 * (a datagram never completed: timed out, given up, or still waiting at the end of the capture). Each reassembled
 * datagram is one `ip.fragment` note at its completing frame with the frames of its fragments.
 * Fragments cut by the snaplen are reassembled as far as their bytes were captured: the layers above then see a
 * payload cut there, as from any snaplen-cut frame.
 * Does not: keep a datagram once completed (a later copy of its fragments starts a new one), read IP options or
 * IPv6 extension headers after the Fragment header (the datagram's first protocol is decoded as is), reorder frames.
 */
import { decodeIpPayload } from '../decode/ipproto.js';
import type { DecodedFrame, IpPacket } from '../decode/types.js';
import type { MemoryBudget } from '../model/budget.js';
import type { FindingEvent } from '../model/events.js';
import { makeFinding, type FindingCode } from '../model/findings.js';

/** Largest datagram payload (IPv4: 65 535 minus the header; IPv6: the fragmentable part's 16-bit offset range). */
export const MAX_DATAGRAM = 65_535;
export const MAX_FRAGMENTS_PER_DATAGRAM = 1_024;
export const MAX_PENDING_DATAGRAMS = 1_024;
/** Bytes charged per fragment held besides its data (its record, the key). */
const FRAGMENT_OVERHEAD = 96;

export interface DefragOptions {
  budget?: MemoryBudget;
  /** Seconds of capture time a datagram may wait for its fragments (default 30 for IPv4, 60 for IPv6). */
  timeoutSeconds?: { v4: number; v6: number };
  maxPending?: number;
  /** Receives each finding (reassembled, overlap, bad, incomplete). */
  finding(event: FindingEvent): void;
}

interface Part {
  offset: number;
  /** Captured bytes (a copy). */
  data: Buffer;
  /** Length on the wire (>= data.length when the snaplen cut it). */
  length: number;
  frame: number;
}

interface Pending {
  key: string;
  version: 4 | 6;
  src: string;
  dst: string;
  id: number;
  protocol: number;
  firstFrame: number;
  firstTime: number;
  /** In arrival order. */
  parts: Part[];
  /** Datagram length, once the last fragment (MF clear) is seen. */
  total: number | undefined;
  charged: number;
  /** Captured bytes held (overlapping copies counted again). */
  held: number;
  /** The byte ranges covered on the wire, sorted and merged. */
  ranges: Array<[number, number]>;
  overlapReported: boolean;
}

/** A completed datagram: the completing frame decoded again with the whole payload. */
export interface Reassembled {
  decoded: DecodedFrame;
  /** Frames of the fragments, in offset order (the completing frame among them). */
  frames: number[];
}

export class IpDefragmenter {
  /** Per IP version, in creation order (so the oldest, the first to time out, come first). */
  private readonly pending: Record<4 | 6, Map<string, Pending>> = { 4: new Map(), 6: new Map() };
  private readonly timeouts: { v4: number; v6: number };
  private readonly maxPending: number;
  /** Datagrams reassembled, for the summary and tests. */
  reassembled = 0;

  constructor(private readonly options: DefragOptions) {
    this.timeouts = options.timeoutSeconds ?? { v4: 30, v6: 60 };
    this.maxPending = options.maxPending ?? MAX_PENDING_DATAGRAMS;
  }

  /** Datagrams waiting for fragments. */
  get waiting(): number {
    return this.pending[4].size + this.pending[6].size;
  }

  /**
   * A fragment (decoded.ip.fragment with its fragmentPayload): held, and when it completes its datagram, the
   * datagram decoded at this frame. Returns undefined while the datagram is incomplete or when the fragment is skipped.
   */
  add(decoded: DecodedFrame, time: number): Reassembled | undefined {
    const ip = decoded.ip;
    const payload = ip?.fragmentPayload;
    if (ip === undefined || payload === undefined) return undefined;
    this.expire(time);
    const id = ip.id ?? 0;
    const key = ip.version === 4 ? `4|${ip.src}|${ip.dst}|${payload.protocol}|${id}` : `6|${ip.src}|${ip.dst}|${id}`;
    const offset = ip.fragmentOffset;
    const length = payload.length;
    const end = offset + length;
    const last = !ip.moreFragments;
    const bad = (why: string): undefined => {
      this.report('ip.fragment-bad', decoded.frame, time, ip, `IPv${ip.version} fragment (ID ${hexId(ip)}, offset ${offset}, ${length} bytes) ${why}: skipped`,
        { frames: [decoded.frame] });
      return undefined;
    };
    if (end > MAX_DATAGRAM) return bad(`ends at byte ${end}, past the largest datagram (${MAX_DATAGRAM})`);
    if (!last && (length === 0 || length % 8 !== 0)) return bad('is not the last, yet its length is not a non-zero multiple of 8');
    const table = this.pending[ip.version];
    let p = table.get(key);
    if (p === undefined) {
      if (this.waiting >= this.maxPending) this.giveUp(this.oldest()!, `more than ${this.maxPending} datagrams waiting: the oldest is given up`);
      p = {
        key, version: ip.version, src: ip.src, dst: ip.dst, id, protocol: payload.protocol, firstFrame: decoded.frame, firstTime: time,
        parts: [], total: undefined, charged: 0, held: 0, ranges: [], overlapReported: false,
      };
      table.set(key, p);
    }
    if (last) {
      if (p.total !== undefined && p.total !== end) return bad(`ends the datagram at byte ${end}, another last fragment (frame ${p.parts.find((x) => x.offset + x.length === p!.total)?.frame ?? '?'}) at ${p.total}`);
      const beyond = p.parts.find((x) => x.offset + x.length > end);
      if (beyond !== undefined) return bad(`ends the datagram at byte ${end}, but frame ${beyond.frame} holds bytes up to ${beyond.offset + beyond.length}`);
    } else if (p.total !== undefined && end > p.total) {
      return bad(`reaches byte ${end}, past the datagram's end (${p.total})`);
    }
    if (p.parts.length >= MAX_FRAGMENTS_PER_DATAGRAM || p.held + payload.data.length > 2 * MAX_DATAGRAM) {
      this.giveUp(p, p.parts.length >= MAX_FRAGMENTS_PER_DATAGRAM ? `more than ${MAX_FRAGMENTS_PER_DATAGRAM} fragments` : 'more than twice the largest datagram in overlapping fragments');
      return undefined;
    }
    const cost = payload.data.length + FRAGMENT_OVERHEAD;
    if (this.options.budget !== undefined && !this.options.budget.tryCharge(cost, 'ip-fragments')) {
      this.giveUp(p, 'memory budget reached');
      return undefined;
    }
    p.charged += cost;
    p.held += payload.data.length;
    if (!p.overlapReported) {
      const conflict = conflictWith(p.parts, offset, payload.data);
      if (conflict !== undefined) {
        p.overlapReported = true;
        this.report('ip.fragment-overlap', decoded.frame, time, ip,
          `IPv${ip.version} fragment (ID ${hexId(ip)}, offset ${offset}) overlaps frame ${conflict}'s bytes with different ones: the first bytes are kept`,
          { frames: [conflict, decoded.frame] });
      }
    }
    p.parts.push({ offset, data: Buffer.from(payload.data), length, frame: decoded.frame });
    if (last) p.total = end;
    addRange(p.ranges, offset, end);
    if (p.total === undefined || !covers(p.ranges, p.total)) return undefined;
    return this.complete(p, decoded, time);
  }

  /** End of the capture (or of a run): every datagram still waiting is incomplete. */
  finish(): void {
    for (const p of [...this.pending[4].values(), ...this.pending[6].values()]) this.giveUp(p, 'the capture ended before its other fragments');
  }

  private oldest(): Pending | undefined {
    const a = this.pending[4].values().next().value;
    const b = this.pending[6].values().next().value;
    if (a === undefined) return b;
    if (b === undefined) return a;
    return b.firstTime < a.firstTime ? b : a;
  }

  private complete(p: Pending, decoded: DecodedFrame, time: number): Reassembled {
    this.drop(p);
    this.reassembled++;
    const total = p.total!;
    const data = Buffer.alloc(total);
    // Captured bytes: later parts first, so the first bytes seen for an offset win.
    const captured = new Uint8Array(total);
    for (let i = p.parts.length - 1; i >= 0; i--) {
      const part = p.parts[i]!;
      part.data.copy(data, part.offset);
      captured.fill(1, part.offset, part.offset + part.data.length);
    }
    let capturedEnd = 0;
    while (capturedEnd < total && captured[capturedEnd] === 1) capturedEnd++;
    const frames = [...p.parts].sort((a, b) => a.offset - b.offset || a.frame - b.frame).map((x) => x.frame);
    const unique = [...new Set(frames)];
    const ip = decoded.ip!;
    const whole: IpPacket = {
      ...ip, protocol: p.protocol, id: p.id, totalLength: ip.headerLength + total, fragment: true, fragmentOffset: 0,
      moreFragments: false, truncated: capturedEnd < total,
    };
    delete whole.fragmentPayload;
    const out: DecodedFrame = {
      ...decoded, ip: whole, tcp: undefined, udp: undefined, icmpv6: undefined, other: undefined, error: undefined,
    };
    decodeIpPayload(out, data.subarray(0, capturedEnd), 0, capturedEnd, total, p.protocol);
    this.report('ip.fragment', decoded.frame, time, ip,
      `IPv${p.version} datagram (ID ${hexId(ip)}, ${total} bytes) reassembled from ${unique.length} fragments: frames ${unique.map((f) => `#${f}`).join(', ')}`,
      { frames: unique, count: unique.length });
    return { decoded: out, frames: unique };
  }

  private giveUp(p: Pending, why: string): void {
    this.drop(p);
    const have = p.parts.reduce((n, x) => n + x.length, 0);
    const frames = [...new Set(p.parts.map((x) => x.frame))];
    this.report('ip.fragment-incomplete', p.firstFrame, p.firstTime, p,
      `IPv${p.version} datagram (ID ${hexId(p)}) never completed (${why}): ${frames.length} fragment${frames.length === 1 ? '' : 's'}, ${have} of ${p.total ?? '?'} bytes`,
      { frames: frames.slice(0, 20), count: frames.length });
  }

  private drop(p: Pending): void {
    this.pending[p.version].delete(p.key);
    this.options.budget?.release(p.charged, 'ip-fragments');
    p.charged = 0;
  }

  /** Gives up the datagrams that waited longer than their version's timeout (the map is in creation order). */
  private expire(time: number): void {
    for (const version of [4, 6] as const) {
      const limit = version === 4 ? this.timeouts.v4 : this.timeouts.v6;
      for (const p of this.pending[version].values()) {
        if (time - p.firstTime <= limit) break;
        this.giveUp(p, `no fragment completed it within ${limit} s`);
      }
    }
  }

  private report(code: FindingCode, frame: number, time: number, where: { src: string; dst: string }, summary: string,
    evidence: { frames: number[]; count?: number }): void {
    this.options.finding(makeFinding(code, 'ip', frame, time, summary, {
      src: where.src, dst: where.dst,
      evidence: { firstFrame: evidence.frames[0] ?? frame, lastFrame: evidence.frames.at(-1) ?? frame, count: evidence.count ?? evidence.frames.length, frames: evidence.frames },
    }));
  }
}

function hexId(x: { id?: number | undefined }): string {
  return `0x${(x.id ?? 0).toString(16).padStart(4, '0')}`;
}

/** The frame of a held part whose captured bytes differ from `data` at `offset` on their common range, if any. */
function conflictWith(parts: Part[], offset: number, data: Buffer): number | undefined {
  const end = offset + data.length;
  for (const part of parts) {
    const from = Math.max(offset, part.offset);
    const to = Math.min(end, part.offset + part.data.length);
    if (from >= to) continue;
    if (data.compare(part.data, from - part.offset, to - part.offset, from - offset, to - offset) !== 0) return part.frame;
  }
  return undefined;
}

/** Adds [from, to) to sorted, merged ranges (touching ranges merge). */
function addRange(ranges: Array<[number, number]>, from: number, to: number): void {
  if (to <= from) return;
  let i = 0;
  while (i < ranges.length && ranges[i]![1] < from) i++;
  let j = i;
  let lo = from;
  let hi = to;
  while (j < ranges.length && ranges[j]![0] <= to) {
    lo = Math.min(lo, ranges[j]![0]);
    hi = Math.max(hi, ranges[j]![1]);
    j++;
  }
  ranges.splice(i, j - i, [lo, hi]);
}

/** Whether the ranges cover [0, total). */
function covers(ranges: Array<[number, number]>, total: number): boolean {
  const first = ranges[0];
  return ranges.length === 1 && first !== undefined && first[0] === 0 && first[1] >= total;
}
