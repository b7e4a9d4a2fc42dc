/**
 * Buffered text output: encodes writes straight into a large Buffer (one syscall per chunk, no joined strings) and
 * respects back-pressure of the destination stream. Knows nothing about what it writes.
 */
import { once } from 'node:events';

export class ChunkedWriter {
  private buffer: Buffer;
  private used = 0;
  private pending: Promise<void> = Promise.resolve();
  private blocked = false;
  /** Chunk buffers the stream has finished with, reused instead of allocating (a few at most). */
  private readonly spare: Buffer[] = [];

  constructor(private readonly stream: NodeJS.WritableStream, private readonly chunkSize = 256 * 1024) {
    this.buffer = Buffer.allocUnsafe(chunkSize);
  }

  write(text: string): void {
    // Worst case 3 bytes per UTF-16 unit; most writes fit without measuring.
    if (this.used + text.length * 3 > this.buffer.length) {
      const bytes = Buffer.byteLength(text);
      if (this.used + bytes > this.buffer.length) {
        this.flush();
        if (bytes > this.buffer.length) {
          this.send(Buffer.from(text));
          return;
        }
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  /** Writes bytes already encoded: `bytes` from 0 to `length` (copied; the caller may reuse `bytes`). */
  writeBytes(bytes: Uint8Array, length: number): void {
    if (this.used + length > this.buffer.length) {
      this.flush();
      if (length > this.buffer.length) {
        this.send(Buffer.from(bytes.subarray(0, length)));
        return;
      }
    }
    const target = this.buffer;
    let at = this.used;
    if (length <= 64) {
      for (let i = 0; i < length; i++) target[at++] = bytes[i]!;
    } else {
      target.set(bytes.subarray(0, length), at);
      at += length;
    }
    this.used = at;
  }

  /** The chunk being filled, for a writer that encodes in place: bytes go from `chunkUsed` on, then `advanceTo`. */
  get chunk(): Buffer {
    return this.buffer;
  }

  get chunkUsed(): number {
    return this.used;
  }

  /** Bytes up to `end` of `chunk` were written in place. */
  advanceTo(end: number): void {
    this.used = end;
  }

  flush(): void {
    if (this.used === 0) return;
    const full = this.buffer;
    const chunk = full.subarray(0, this.used);
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(this.chunkSize);
    this.used = 0;
    this.send(chunk, full);
  }

  /** Flushes and waits until the stream accepted everything. */
  async close(): Promise<void> {
    this.flush();
    await this.pending;
  }

  /** While the destination has more queued than it wants: a promise that settles when it drains. */
  whenWritable(): Promise<void> | undefined {
    return this.blocked ? this.pending : undefined;
  }

  /** Writes `chunk`; `owner`, the chunk buffer it views, is reused once the stream has written it. */
  private send(chunk: Buffer, owner?: Buffer): void {
    const done = owner === undefined ? undefined : (): void => {
      if (this.spare.length < 4) this.spare.push(owner);
    };
    if (!this.stream.write(chunk, done) && !this.blocked) {
      this.blocked = true;
      this.pending = once(this.stream, 'drain').then(() => {
        this.blocked = false;
      });
    }
  }
}
