/**
 * NDJSON view: one event per line. A line is always written whole; the CLI flushes after every chunk of input, so a
 * live capture on stdin streams. Formats events only; the summary goes to the JSON view. Lines are encoded by
 * ./ndjson-line.ts (the bytes of jsonStringify, without building a string) and copied into the output chunk.
 */
import type { TimelineEvent } from '../model/events.js';
import { NdjsonLineWriter } from './ndjson-line.js';
import type { ChunkedWriter } from './output.js';

export class NdjsonView {
  private readonly lines = new NdjsonLineWriter();

  constructor(private readonly out: ChunkedWriter) {}

  event(event: TimelineEvent): void {
    const length = this.lines.line(event);
    this.out.writeBytes(this.lines.buffer, length);
  }
}
