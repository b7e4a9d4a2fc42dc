/**
 * The TLS record layer of one direction: the reassembled TCP byte stream (data, gap, end) cut into records, each
 * with the frames that carried its bytes (the last one completes it, Wireshark's convention). A hole inside a record
 * (snaplen or lost bytes of known length) keeps the framing: the record is delivered without its body (`cut`). Bytes
 * that cannot be a record header (a capture starting mid-record, garbage) are skipped until two consecutive plausible
 * headers are found, and reported once per skip. It does not decrypt or parse handshakes.
 */

export interface TlsRecord {
  contentType: number;
  /** Record-layer version, e.g. 0x0303. */
  version: number;
  length: number;
  /** The 5-byte header (additional data of TLS 1.3 decryption). */
  header: Buffer;
  /** The record's payload; undefined when some of its bytes were never captured. */
  body: Buffer | undefined;
  /** Every frame that carried bytes of the record, in order; the last completed it. */
  frames: number[];
  frame: number;
  time: number;
}

export interface RecordSink {
  record(record: TlsRecord): void;
  /** `bytes` were skipped because they did not look like TLS records. */
  skipped(bytes: number, frame: number, time: number): void;
}

/** Largest record length accepted: 2^14 plus the 2048 bytes of expansion RFC 5246 allows. */
export const MAX_RECORD_LENGTH = 16384 + 2048;

/** True when `data` starts with something that can be a TLS record header (a capture may start mid-connection). */
export function looksLikeTlsRecord(data: Buffer): boolean {
  return data.length >= 5 && plausibleHeader(data, 0);
}

function plausibleHeader(b: Buffer, at: number): boolean {
  const type = b[at]!;
  return type >= 20 && type <= 24 && b[at + 1] === 3 && b[at + 2]! <= 4 && b.readUInt16BE(at + 3) <= MAX_RECORD_LENGTH;
}

export class TlsRecordReader {
  private header = Buffer.alloc(0);
  private current: { contentType: number; version: number; length: number; header: Buffer } | undefined;
  private parts: Buffer[] = [];
  private remaining = 0;
  private cut = false;
  private frames: number[] = [];
  /** False after garbage or a hole in a header: the next bytes are searched for a record boundary. */
  private aligned = true;
  private search = Buffer.alloc(0);

  constructor(private readonly sink: RecordSink) {}

  data(chunk: Buffer, frame: number, time: number): void {
    let data = chunk;
    if (!this.aligned) {
      const found = this.resync(data, frame, time);
      if (found === undefined) return;
      data = found;
    }
    let offset = 0;
    while (offset < data.length) {
      if (this.current === undefined) {
        const take = data.subarray(offset, offset + 5 - this.header.length);
        this.header = this.header.length === 0 ? Buffer.from(take) : Buffer.concat([this.header, take]);
        offset += take.length;
        if (this.header.length < 5) { this.note(frame); return; }
        if (!plausibleHeader(this.header, 0)) {
          const rest = Buffer.concat([this.header.subarray(1), data.subarray(offset)]);
          this.header = Buffer.alloc(0);
          this.frames = [];
          this.aligned = false;
          this.search = Buffer.alloc(0);
          this.skippedBytes = 1;
          const found = this.resync(rest, frame, time);
          if (found === undefined) return;
          data = found;
          offset = 0;
          continue;
        }
        const length = this.header.readUInt16BE(3);
        this.current = { contentType: this.header[0]!, version: this.header.readUInt16BE(1), length, header: this.header };
        this.header = Buffer.alloc(0);
        this.remaining = length;
        this.parts = [];
        this.cut = false;
        this.note(frame);
        if (length === 0) this.complete(frame, time);
        continue;
      }
      const take = Math.min(this.remaining, data.length - offset);
      this.parts.push(Buffer.from(data.subarray(offset, offset + take)));
      offset += take;
      this.remaining -= take;
      this.note(frame);
      if (this.remaining === 0) this.complete(frame, time);
    }
  }

  /** `length` bytes were never captured. */
  gap(length: number, frame: number, time: number): void {
    if (!this.aligned) return;
    if (this.current !== undefined && length < this.remaining) {
      this.cut = true;
      this.remaining -= length;
      return;
    }
    let left = length;
    if (this.current !== undefined) {
      left -= this.remaining;
      this.cut = true;
      this.remaining = 0;
      this.complete(frame, time);
    }
    // A hole that reaches into the next header: the boundary is lost.
    if (left > 0 || this.header.length > 0) {
      this.header = Buffer.alloc(0);
      this.aligned = false;
      this.search = Buffer.alloc(0);
      this.skippedBytes = 0;
    }
  }

  /** The stream ended: a record in progress is delivered cut. */
  end(frame: number, time: number): void {
    if (this.current !== undefined) {
      this.cut = true;
      this.complete(frame, time);
    }
  }

  private skippedBytes = 0;

  /** Looks for two consecutive plausible headers (or one ending exactly at the end of what we have). */
  private resync(chunk: Buffer, frame: number, time: number): Buffer | undefined {
    const b = this.search.length === 0 ? chunk : Buffer.concat([this.search, chunk]);
    for (let at = 0; at + 5 <= b.length; at++) {
      if (!plausibleHeader(b, at)) continue;
      const next = at + 5 + b.readUInt16BE(at + 3);
      if (next === b.length || (next + 5 <= b.length && plausibleHeader(b, next))) {
        this.skippedBytes += at;
        if (this.skippedBytes > 0) this.sink.skipped(this.skippedBytes, frame, time);
        this.skippedBytes = 0;
        this.aligned = true;
        this.search = Buffer.alloc(0);
        return b.subarray(at);
      }
    }
    // Keep a bounded tail to search with the next chunk.
    const keep = Math.min(b.length, MAX_RECORD_LENGTH + 10);
    this.skippedBytes += b.length - keep;
    this.search = Buffer.from(b.subarray(b.length - keep));
    return undefined;
  }

  private note(frame: number): void {
    if (this.frames[this.frames.length - 1] !== frame) this.frames.push(frame);
  }

  private complete(frame: number, time: number): void {
    const current = this.current!;
    this.current = undefined;
    const frames = this.frames.length > 0 ? this.frames : [frame];
    this.frames = [];
    this.sink.record({
      contentType: current.contentType, version: current.version, length: current.length, header: current.header,
      body: this.cut ? undefined : this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts),
      frames, frame: frames[frames.length - 1]!, time,
    });
    this.parts = [];
  }
}
