/**
 * Streaming capture reader: format detection, chunk handling, gzip, files and stdin.
 *
 * Does: CaptureParser takes the (decompressed) input as chunks of any size, detects pcap (either magic, either
 * byte order) or pcapng (SHB 0x0A0D0D0A) from the first 4 bytes, and calls sink.frame()/sink.notice()
 * synchronously as soon as each record is complete. A record inside one chunk is handed out as a zero-copy
 * subarray; only a record straddling chunks is copied into a small carry-over buffer (memory does not grow
 * with the file). readCapture() opens a file path, "-" (stdin) or any readable stream, reads it in 256 KiB
 * chunks, gunzips it when it starts with 1f 8b (./gunzip.ts), and resolves with the CaptureSummary. Frames
 * older than the frame before them are noticed by ./time-order.ts.
 * Fatal problems reject with CaptureError (capture.not-found, is-directory, permission, empty, not-a-capture,
 * truncated-header, gzip, read). A cut-off last record is not fatal: notice "capture.truncated-record" (and a
 * cut-off or corrupt gzip stream after some data: "capture.gzip-truncated", "capture.gzip-corrupt"), every earlier
 * frame is delivered.
 * Does not: decode link layers or protocols, reorder frames, or keep frame data after the callback returns.
 */
import type { MemoryBudget } from '../model/budget.js';
import { open, type FileHandle } from 'node:fs/promises';
import { gunzipInto } from './gunzip.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PcapParser, type FormatParser } from './pcap.js';
import { PCAPNG_SHB, PcapngParser } from './pcapng.js';
import { TimeOrderCheck } from './time-order.js';
import { CaptureError, type CaptureSink, type CaptureSummary } from './types.js';

const MAGIC_BYTES = 4;
const READ_CHUNK = 256 * 1024;
/** Carry-over buffers above this size are released once emptied. */
const KEEP_CARRY = 1024 * 1024;

const MAGICS: readonly number[] = [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAPNG_SHB];

function magicBytes(m: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(m);
  else b.writeUInt32BE(m);
  return b;
}
const KNOWN_STARTS: readonly Buffer[] = MAGICS.flatMap((m) => [magicBytes(m, true), magicBytes(m, false)]);

function describeStart(b: Buffer): string {
  const hex = [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  if (b[0] === 0x1f && b[1] === 0x8b) return `starts with ${hex}: gzip data (readCapture() decompresses it)`;
  if (b.length >= 4 && b.readUInt32BE(0) === 0xa1b2cd34) return `starts with ${hex}: "modified" pcap, not supported`;
  return `starts with ${hex}`;
}

export interface CaptureParserOptions {
  /** Reported as summary.gzip (the caller decompressed the input). */
  gzip?: boolean;
  /** pcapng interfaces kept (default MAX_INTERFACES, 65 536); later IDBs are skipped with a notice. */
  maxInterfaces?: number;
  /** The analysis' memory budget ('interfaces'). */
  budget?: MemoryBudget;
}

/**
 * Push-style parser: feed it chunks, it calls the sink synchronously. Throws CaptureError from push() as soon as
 * the input cannot be a capture, and from end() when the input was empty or shorter than a file header.
 */
export class CaptureParser {
  private readonly sink: CaptureSink;
  private readonly timeOrder: TimeOrderCheck;
  private readonly gzip: boolean;
  private readonly maxInterfaces: number | undefined;
  private readonly budget: MemoryBudget | undefined;
  private parser: FormatParser | undefined;
  private carry: Buffer = Buffer.alloc(0);
  private carryLen = 0;
  private bytes = 0;
  private stopped = false;
  private ended = false;

  constructor(sink: CaptureSink, options: CaptureParserOptions = {}) {
    this.timeOrder = new TimeOrderCheck(sink);
    this.sink = this.timeOrder;
    this.gzip = options.gzip ?? false;
    this.maxInterfaces = options.maxInterfaces;
    this.budget = options.budget;
  }

  /** Frames delivered so far. */
  get frames(): number {
    return this.parser?.frames ?? 0;
  }

  /** Bytes pushed so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  push(chunk: Buffer): void {
    if (this.ended) throw new Error('CaptureParser.push() after end()');
    const len = chunk.length;
    if (len === 0) return;
    this.bytes += len;
    if (this.stopped) return;
    let off = 0;
    if (this.carryLen > 0 || this.parser === undefined) {
      off = this.fillCarry(chunk);
      if (off < 0) return;
    }
    const p = this.parser as FormatParser;
    const next = p.parse(chunk, off, len);
    if (p.stopped) {
      this.stopped = true;
      this.carryLen = 0;
      return;
    }
    if (next < len) {
      const rest = len - next;
      this.reserve(Math.max(p.need, rest));
      chunk.copy(this.carry, 0, next, len);
      this.carryLen = rest;
    }
  }

  /**
   * Completes the unit held in the carry-over buffer with bytes from the front of chunk. Returns the offset in
   * chunk where direct parsing can go on, or -1 when the chunk has been used up (or reading stopped).
   */
  private fillCarry(chunk: Buffer): number {
    const len = chunk.length;
    let off = 0;
    for (;;) {
      const p = this.parser;
      const need = p === undefined ? MAGIC_BYTES : p.need;
      if (this.carryLen < need) {
        const take = Math.min(need - this.carryLen, len - off);
        this.reserve(need);
        chunk.copy(this.carry, this.carryLen, off, off + take);
        this.carryLen += take;
        off += take;
        if (this.carryLen < need) return -1;
      }
      if (p === undefined) {
        this.parser = this.detect(this.carry);
        continue;
      }
      const used = p.parse(this.carry, 0, this.carryLen);
      if (p.stopped) {
        this.stopped = true;
        this.carryLen = 0;
        return -1;
      }
      if (used === this.carryLen) {
        this.carryLen = 0;
        if (this.carry.length > KEEP_CARRY) this.carry = Buffer.alloc(0);
        return off;
      }
      if (used > 0) {
        this.carry.copyWithin(0, used, this.carryLen);
        this.carryLen -= used;
      }
      // Otherwise the unit's header told the parser how long it is: p.need grew, go round again.
    }
  }

  private reserve(size: number): void {
    if (this.carry.length >= size) return;
    const next = Buffer.allocUnsafe(Math.max(size, 65536));
    this.carry.copy(next, 0, 0, this.carryLen);
    this.carry = next;
  }

  private detect(head: Buffer): FormatParser {
    const le = head.readUInt32LE(0);
    const be = head.readUInt32BE(0);
    if (le === PCAPNG_SHB) return new PcapngParser(this.sink, this.maxInterfaces, this.budget);
    if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) {
      return new PcapParser(this.sink);
    }
    throw new CaptureError('capture.not-a-capture', `not a pcap or pcapng capture (${describeStart(head)})`);
  }

  /** Signals the end of input; reports a cut-off last record and returns the summary. */
  end(): CaptureSummary {
    if (this.ended) throw new Error('CaptureParser.end() called twice');
    this.ended = true;
    const p = this.parser;
    if (p === undefined) {
      if (this.bytes === 0) throw new CaptureError('capture.empty', 'empty input (0 bytes)');
      const head = this.carry.subarray(0, this.carryLen);
      if (KNOWN_STARTS.some((m) => m.subarray(0, head.length).equals(head))) {
        throw new CaptureError('capture.truncated-header', `input ends after ${head.length} bytes, inside the file header`);
      }
      throw new CaptureError('capture.not-a-capture', `not a pcap or pcapng capture (${describeStart(head)}, ${head.length} bytes)`);
    }
    p.finish(this.stopped ? 0 : this.carryLen);
    this.timeOrder.finish();
    this.carryLen = 0;
    this.carry = Buffer.alloc(0);
    return {
      format: p.format,
      gzip: this.gzip,
      frames: p.frames,
      bytes: this.bytes,
      interfaces: p.interfaces,
      skipped: p.skipped,
    };
  }
}

export interface ReadCaptureOptions {
  /** Aborting stops reading; the promise rejects with signal.reason. */
  signal?: AbortSignal;
  /** Called after each chunk is parsed; reading waits for the promise it returns (back-pressure from the output). */
  afterChunk?: () => Promise<void> | undefined;
  /** gzip input: largest decompressed/compressed ratio accepted past 16 MiB of output (default 250). */
  maxGzipRatio?: number;
  /** pcapng interfaces kept (default 65 536). */
  maxInterfaces?: number;
  /** The analysis' memory budget ('interfaces'). */
  budget?: MemoryBudget;
}

type ErrnoError = Error & { code?: unknown };

function ioError(err: unknown, label: string): Error {
  if (err instanceof CaptureError) return err;
  const e = err as ErrnoError;
  const code = typeof e?.code === 'string' ? e.code : '';
  const why = e?.message ?? String(err);
  switch (code) {
    case 'ENOENT':
      return new CaptureError('capture.not-found', `${label}: no such file`);
    case 'EISDIR':
      return new CaptureError('capture.is-directory', `${label}: is a directory, not a capture file`);
    case 'EACCES':
    case 'EPERM':
      return new CaptureError('capture.permission', `${label}: permission denied`);
    default:
      return new CaptureError('capture.read', `${label}: read error: ${why}`);
  }
}


function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'latin1');
}

/**
 * Reads a whole capture, calling the sink as frames arrive. `input` is a file path, "-" for standard input, or a
 * readable stream of bytes. Resolves with the summary; rejects with CaptureError (or signal.reason on abort).
 */
export async function readCapture(
  input: string | NodeJS.ReadableStream,
  sink: CaptureSink,
  options: ReadCaptureOptions = {},
): Promise<CaptureSummary> {
  const { signal } = options;
  signal?.throwIfAborted();
  const label = typeof input !== 'string' ? '<stream>' : input === '-' ? '<stdin>' : input;

  let source: NodeJS.ReadableStream;
  let handle: FileHandle | undefined;
  if (typeof input === 'string' && input !== '-') {
    try {
      handle = await open(input, 'r');
      const st = await handle.stat();
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    } catch (err) {
      await handle?.close().catch(() => undefined);
      throw ioError(err, label);
    }
    source = handle.createReadStream({ highWaterMark: READ_CHUNK });
  } else {
    source = input === '-' ? process.stdin : input;
  }

  const raw = source[Symbol.asyncIterator]();
  const destroy = (reason?: unknown): void => {
    const s = source as NodeJS.ReadableStream & { destroy?: (e?: Error) => void };
    if (typeof s.destroy === 'function' && source !== process.stdin) s.destroy(reason as Error | undefined);
    void raw.return?.();
  };
  const onAbort = (): void => destroy(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    // Sniff the first two bytes for gzip.
    const head: Buffer[] = [];
    let headLen = 0;
    let rawDone = false;
    while (headLen < 2) {
      let r: IteratorResult<string | Buffer>;
      try {
        r = await raw.next();
      } catch (err) {
        throw ioError(err, label);
      }
      if (r.done) {
        rawDone = true;
        break;
      }
      const b = toBuffer(r.value);
      if (b.length > 0) {
        head.push(b);
        headLen += b.length;
      }
    }
    signal?.throwIfAborted();
    const first = head[0];
    const isGzip = first !== undefined && headLen >= 2 && first[0] === 0x1f && (first.length > 1 ? first[1] : head[1]?.[0]) === 0x8b;

    async function* rawChunks(): AsyncGenerator<Buffer> {
      yield* head;
      if (rawDone) return;
      for (;;) {
        let r: IteratorResult<string | Buffer>;
        try {
          r = await raw.next();
        } catch (err) {
          throw ioError(err, label);
        }
        if (r.done) return;
        yield toBuffer(r.value);
      }
    }

    const parser = new CaptureParser(sink, {
      gzip: isGzip, ...(options.maxInterfaces !== undefined ? { maxInterfaces: options.maxInterfaces } : {}),
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
    });
    if (!isGzip) {
      for await (const chunk of rawChunks()) {
        parser.push(chunk);
        const wait = options.afterChunk?.();
        if (wait !== undefined) await wait;
      }
    } else {
      await gunzipInto(parser, rawChunks(), label, sink, options);
    }
    signal?.throwIfAborted();
    try {
      return parser.end();
    } catch (err) {
      if (err instanceof CaptureError) throw new CaptureError(err.code, `${label}: ${err.message}`);
      throw err;
    }
  } catch (err) {
    signal?.throwIfAborted();
    if (err instanceof CaptureError && !err.message.startsWith(`${label}:`)) {
      throw new CaptureError(err.code, `${label}: ${err.message}`);
    }
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    destroy();
    await handle?.close().catch(() => undefined);
  }
}
