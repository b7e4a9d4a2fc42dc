/**
 * Classic libpcap record parser (magic a1b2c3d4 = microseconds, a1b23c4d = nanoseconds, either byte order).
 *
 * Does: parse the 24-byte file header and the 16-byte record headers out of a buffer window, emit one
 * CaptureFrame per record (data is a zero-copy subarray of the buffer it was given), normalise timestamps
 * to seconds + nanoseconds, refuse absurd record lengths (notice "capture.bad-record", then stop: classic
 * pcap has no way to resynchronise).
 * Does not: buffer input, detect the format, decompress, or read files. That is reader.ts's job; it hands
 * this parser buffer windows and keeps the bytes of a record that straddles two chunks.
 * Not supported: the "modified" (Kuznetsov, a1b2cd34) and other vendor pcap variants.
 */
import { CaptureError, type CaptureInterface, type CaptureSink } from './types.js';

/**
 * What reader.ts drives: a format parser that consumes whole units (file header, record, block) from a
 * window buf[off, end) and reports how many bytes it needs to make progress.
 */
export interface FormatParser {
  readonly format: 'pcap' | 'pcapng';
  /** Bytes needed, counted from the first unconsumed byte, before parse() can make progress. */
  need: number;
  /** Set once reading must stop (bad record/block); later input is ignored. */
  stopped: boolean;
  /** Frames delivered so far. */
  frames: number;
  interfaces: CaptureInterface[];
  skipped: Record<string, number>;
  /**
   * Consume as many complete units of buf[off, end) as possible and return the offset of the first
   * unconsumed byte. Guarantees progress when end - off >= need.
   */
  parse(buf: Buffer, off: number, end: number): number;
  /** End of input with `leftover` unconsumed bytes (< need): report a cut-off record or throw. */
  finish(leftover: number): void;
}

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** Never accept a record larger than this, whatever the snaplen says. */
const MAX_RECORD = 256 * 1024 * 1024;

type Read32 = (buf: Buffer, off: number) => number;
export const readLE32: Read32 = (buf, off) => buf.readUInt32LE(off);
export const readBE32: Read32 = (buf, off) => buf.readUInt32BE(off);

/** Unsigned 32-bit little-endian read; the caller guarantees the four bytes are there. */
function le32(buf: Buffer, off: number): number {
  return (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16)) + buf[off + 3]! * 0x1000000;
}

export function bump(skipped: Record<string, number>, key: string): void {
  skipped[key] = (skipped[key] ?? 0) + 1;
}

export class PcapParser implements FormatParser {
  readonly format = 'pcap' as const;
  need = FILE_HEADER;
  stopped = false;
  frames = 0;
  interfaces: CaptureInterface[] = [];
  skipped: Record<string, number> = {};

  private readonly sink: CaptureSink;
  private headerDone = false;
  private read32: Read32 = readLE32;
  private linkType = 0;
  /** 1e6 or 1e9. */
  private units = 1e6;
  /** Nanoseconds per timestamp unit: 1000 or 1. */
  private nsPerUnit = 1000;
  private maxCaplen = MAX_RECORD;

  constructor(sink: CaptureSink) {
    this.sink = sink;
  }

  parse(buf: Buffer, off: number, end: number): number {
    if (!this.headerDone) {
      if (end - off < FILE_HEADER) {
        this.need = FILE_HEADER;
        return off;
      }
      this.parseHeader(buf, off);
      off += FILE_HEADER;
      this.need = RECORD_HEADER;
    }
    const rd = this.read32;
    // Little-endian files (nearly all) read their record headers inline: no call per field.
    const le = rd === readLE32;
    const sink = this.sink;
    const maxCaplen = this.maxCaplen;
    const linkType = this.linkType;
    const units = this.units;
    const nsPerUnit = this.nsPerUnit;
    for (;;) {
      const avail = end - off;
      if (avail < RECORD_HEADER) {
        this.need = RECORD_HEADER;
        return off;
      }
      const caplen = le ? le32(buf, off + 8) : rd(buf, off + 8);
      if (caplen > maxCaplen) {
        this.stopped = true;
        bump(this.skipped, 'bad-record');
        sink.notice({
          code: 'capture.bad-record',
          frame: this.frames + 1,
          message: `record ${this.frames + 1} claims ${caplen} captured bytes (limit ${maxCaplen}); the file is corrupt from here, stopped reading`,
        });
        return end;
      }
      const total = RECORD_HEADER + caplen;
      if (avail < total) {
        this.need = total;
        return off;
      }
      let sec = le ? le32(buf, off) : rd(buf, off);
      let frac = le ? le32(buf, off + 4) : rd(buf, off + 4);
      if (frac >= units) {
        sec += Math.floor(frac / units);
        frac %= units;
      }
      const start = off + RECORD_HEADER;
      sink.frame({
        frame: ++this.frames,
        tsSec: sec,
        tsNsec: frac * nsPerUnit,
        linkType,
        data: buf.subarray(start, start + caplen),
        originalLength: le ? le32(buf, off + 12) : rd(buf, off + 12),
        interfaceId: 0,
      });
      off += total;
    }
  }

  private parseHeader(buf: Buffer, off: number): void {
    const magicLE = buf.readUInt32LE(off);
    const magicBE = buf.readUInt32BE(off);
    if (magicLE === PCAP_MAGIC_US || magicLE === PCAP_MAGIC_NS) {
      this.read32 = readLE32;
    } else if (magicBE === PCAP_MAGIC_US || magicBE === PCAP_MAGIC_NS) {
      this.read32 = readBE32;
    } else {
      throw new CaptureError('capture.not-a-capture', 'not a pcap file header');
    }
    const magic = this.read32(buf, off);
    const ns = magic === PCAP_MAGIC_NS;
    this.units = ns ? 1e9 : 1e6;
    this.nsPerUnit = ns ? 1 : 1000;
    const snaplen = this.read32(buf, off + 16);
    // Link-type field: LINKTYPE_* in the low 16 bits; FCS length/flag bits live in the upper bits.
    this.linkType = this.read32(buf, off + 20) & 0xffff;
    this.maxCaplen = Math.min(MAX_RECORD, Math.max(snaplen, 262144) * 4);
    this.interfaces.push({ linkType: this.linkType, snaplen, tsUnitsPerSecond: this.units });
    this.headerDone = true;
  }

  finish(leftover: number): void {
    if (!this.headerDone) {
      throw new CaptureError(
        'capture.truncated-header',
        `file ends inside the pcap file header (${leftover} of ${FILE_HEADER} bytes)`,
      );
    }
    if (leftover > 0 && !this.stopped) {
      bump(this.skipped, 'truncated-record');
      const frame = this.frames + 1;
      this.sink.notice({
        code: 'capture.truncated-record',
        frame,
        message: `file ends in the middle of record ${frame} (only ${leftover} bytes of it present); earlier frames are complete`,
      });
    }
  }
}
