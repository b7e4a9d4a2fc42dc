/**
 * gzip input: decompresses a stream of raw chunks into a CaptureParser, without losing a byte of good data.
 *
 * Does: reads gzip members itself (RFC 1952 header with FEXTRA/FNAME/FCOMMENT/FHCRC, raw deflate body through
 * zlib's InflateRaw, CRC-32 and length trailer checked here), so that what was decompressed before a problem is
 * always delivered: zlib's own Gunzip drops the last output when the trailer or trailing bytes are bad. Feeds zlib
 * 16 KiB of compressed input at a time, hands each decompressed chunk to the parser as it comes (synchronously,
 * never buffered) and waits for the output's back-pressure (afterChunk) before the next piece. Concatenated members
 * are one stream (as gzip and tshark read them). After some data, a problem is a notice and the frames before it
 * are kept: "capture.gzip-truncated" (input ends inside a member), "capture.gzip-corrupt" (bad CRC or length, bytes
 * after the last member that are not gzip, corrupt deflate data). The decompression-ratio guard: past RATIO_FLOOR
 * bytes of output, output beyond maxGzipRatio times the compressed bytes read so far stops reading with a notice
 * "capture.decompression-ratio".
 * Throws CaptureError "capture.gzip" only when nothing could be decompressed.
 * Does not: detect gzip (reader.ts sniffs 1f 8b), parse captures, or open files.
 */
import type { InflateRaw } from 'node:zlib';

/** node:zlib, loaded for a gzip capture only (start-up of the others). */
let zlibModule: typeof import('node:zlib') | undefined;
const zlib = (): typeof import('node:zlib') => (zlibModule ??= process.getBuiltinModule('node:zlib'));
import type { CaptureParser } from './reader.js';
import { CaptureError, type CaptureSink } from './types.js';

/** Compressed bytes handed to zlib at a time: bounds what one step can expand to. */
const SLICE = 16 * 1024;
/** Default bound of decompressed / compressed bytes (deflate itself cannot exceed about 1032). */
export const DEFAULT_MAX_GZIP_RATIO = 250;
/** Below this much output the ratio is not judged (small files of zeros are fine). */
export const RATIO_FLOOR = 16 * 1024 * 1024;
/** A member header longer than this (file name, comment, extra field) is taken as corruption. */
const MAX_HEADER = 64 * 1024;

export interface GunzipOptions {
  signal?: AbortSignal | undefined;
  afterChunk?: (() => Promise<void> | undefined) | undefined;
  /** Largest decompressed/compressed ratio accepted past RATIO_FLOOR (default 250; Infinity: no limit). */
  maxGzipRatio?: number | undefined;
}

/** Length of a complete gzip member header at the start of b, 0 when more bytes are needed, -1 when it is not one. */
function headerLength(b: Buffer): number {
  if (b.length < 10) return b.length >= 1 && b[0] !== 0x1f ? -1 : b.length >= 2 && b[1] !== 0x8b ? -1 : 0;
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8 || (b[3]! & 0xe0) !== 0) return -1;
  const flags = b[3]!;
  let pos = 10;
  if (flags & 4) {
    if (b.length < pos + 2) return 0;
    pos += 2 + b.readUInt16LE(pos);
  }
  for (const bit of [8, 16]) {
    if (flags & bit) {
      const zero = b.indexOf(0, pos);
      if (zero < 0) return b.length > MAX_HEADER ? -1 : 0;
      pos = zero + 1;
    }
  }
  if (flags & 2) pos += 2;
  return b.length >= pos ? pos : b.length > MAX_HEADER ? -1 : 0;
}

type Stop = { code: 'capture.gzip-truncated' | 'capture.gzip-corrupt' | 'capture.decompression-ratio' | 'fatal'; message: string };

export async function gunzipInto(parser: CaptureParser, raw: AsyncIterable<Buffer>, label: string, sink: CaptureSink,
  options: GunzipOptions): Promise<void> {
  const { signal, afterChunk } = options;
  const maxRatio = options.maxGzipRatio ?? DEFAULT_MAX_GZIP_RATIO;
  let compressed = 0;
  let stop: Stop | undefined;
  let pushError: unknown;
  /** Bytes of the member header or trailer being gathered. */
  let pending: Buffer = Buffer.alloc(0);
  let state = 'header' as 'header' | 'body' | 'trailer';
  let members = 0;
  let inflate: InflateRaw | undefined;
  let written = 0;
  let crc = 0;
  let size = 0;
  let inflateError: Error | undefined;

  const startBody = (): void => {
    const z = zlib().createInflateRaw({ chunkSize: 64 * 1024 });
    inflate = z;
    written = 0;
    crc = 0;
    size = 0;
    inflateError = undefined;
    z.on('data', (chunk: Buffer) => {
      if (stop !== undefined || pushError !== undefined) return;
      crc = zlib().crc32(chunk, crc);
      size = (size + chunk.length) % 4294967296;
      try {
        parser.push(chunk);
      } catch (err) {
        pushError = err;
        return;
      }
      const out = parser.bytesRead;
      if (out > RATIO_FLOOR && out > maxRatio * compressed) {
        stop = {
          code: 'capture.decompression-ratio',
          message: `${label}: ${compressed} compressed bytes expanded to ${out} bytes (more than ${maxRatio} times, --max-gzip-ratio): stopped reading; the frames before are kept`,
        };
      }
    });
    z.on('error', (err: Error) => {
      inflateError ??= err;
    });
  };

  /** Writes to the inflater and waits until zlib took it (or the inflater closed on an error). */
  const feed = (z: InflateRaw, piece: Buffer): Promise<void> => new Promise<void>((resolve) => {
    const done = (): void => {
      z.off('close', done);
      resolve();
    };
    z.once('close', done);
    written += piece.length;
    z.write(piece, done);
  });

  const corrupt = (what: string): void => {
    stop = members === 0 && parser.bytesRead === 0 ? { code: 'fatal', message: what }
      : { code: 'capture.gzip-corrupt', message: `${label}: ${what} after ${parser.bytesRead} decompressed bytes; the frames before are kept` };
  };

  /** Consumes `data` (compressed bytes) as far as the current state allows. */
  const consume = async (data: Buffer): Promise<void> => {
    let rest = data;
    while (rest.length > 0 && stop === undefined && pushError === undefined) {
      if (state === 'header') {
        pending = pending.length === 0 ? rest : Buffer.concat([pending, rest]);
        rest = Buffer.alloc(0);
        const n = headerLength(pending);
        if (n < 0) {
          if (members === 0) corrupt('not gzip data (bad member header)');
          else corrupt(`${pending.length} or more bytes after the end of the gzip data are not gzip`);
          return;
        }
        if (n === 0) return;
        rest = pending.subarray(n);
        pending = Buffer.alloc(0);
        state = 'body';
        startBody();
      } else if (state === 'body') {
        const z = inflate!;
        const piece = rest;
        rest = Buffer.alloc(0);
        await feed(z, piece);
        if (inflateError !== undefined) {
          corrupt(`corrupt deflate data (${inflateError.message})`);
          return;
        }
        // InflateRaw stops consuming at the end of the deflate stream: what it left is the trailer and beyond.
        const left = written - z.bytesWritten;
        if (left > 0) {
          z.destroy();
          inflate = undefined;
          rest = piece.subarray(piece.length - left);
          state = 'trailer';
        }
      } else {
        const need = 8 - pending.length;
        pending = Buffer.concat([pending, rest.subarray(0, need)]);
        rest = rest.subarray(need);
        if (pending.length < 8) return;
        const wantCrc = pending.readUInt32LE(0);
        const wantSize = pending.readUInt32LE(4);
        pending = Buffer.alloc(0);
        members++;
        state = 'header';
        if (wantCrc !== crc >>> 0 || wantSize !== size) {
          corrupt(`the gzip checksum or length does not match the data of member ${members} (CRC ${(crc >>> 0).toString(16)}, file says ${wantCrc.toString(16)}; length ${size}, file says ${wantSize}): it may be corrupt`);
          return;
        }
      }
    }
  };

  const onAbort = (): void => {
    inflate?.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    outer: for await (const chunk of raw) {
      for (let off = 0; off < chunk.length; off += SLICE) {
        const piece = chunk.subarray(off, off + SLICE);
        compressed += piece.length;
        await consume(piece);
        signal?.throwIfAborted();
        if (stop !== undefined || pushError !== undefined) break outer;
        const wait = afterChunk?.();
        if (wait !== undefined) await wait;
        signal?.throwIfAborted();
      }
    }
    if (stop === undefined && pushError === undefined && state === 'body' && inflate !== undefined) {
      // Input ended inside a deflate body: let zlib say whether it was complete (then only the trailer is missing).
      const z = inflate;
      await new Promise<void>((resolve) => {
        z.once('close', () => resolve());
        z.end();
      });
      if (inflateError !== undefined && !/unexpected end of file/i.test(inflateError.message)) {
        corrupt(`corrupt deflate data (${inflateError.message})`);
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    inflate?.destroy();
  }
  if (pushError !== undefined) throw pushError;
  if (stop === undefined && (state === 'body' || state === 'trailer' || (state === 'header' && pending.length > 0))) {
    stop = parser.bytesRead === 0 && members === 0 ? { code: 'fatal', message: 'unexpected end of file' }
      : { code: 'capture.gzip-truncated', message: `${label}: the gzip stream is cut off; read what it held (${parser.bytesRead} bytes)` };
  }
  if (stop === undefined) return;
  if (stop.code === 'fatal') throw new CaptureError('capture.gzip', `${label}: corrupt gzip data: ${stop.message}`);
  sink.notice({ code: stop.code, message: stop.message });
}
