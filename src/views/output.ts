/**
 * Buffered text output: collects writes into large chunks (fewer syscalls) and respects back-pressure of the
 * destination stream. Knows nothing about what it writes.
 */
import { once } from 'node:events';

export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly stream: NodeJS.WritableStream, private readonly chunkSize = 256 * 1024) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunkSize) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      this.pending = this.pending.then(() => once(this.stream, 'drain').then(() => undefined));
    }
  }

  /** Flushes and waits until the stream accepted everything. */
  async close(): Promise<void> {
    this.flush();
    await this.pending;
  }
}
