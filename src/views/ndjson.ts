/**
 * NDJSON view: one event per line. A line is always written whole; the CLI flushes after every chunk of input, so a
 * live capture on stdin streams. Formats events only; the summary goes to the JSON view. Lines are encoded by
 * ./ndjson-line.ts (the bytes of jsonStringify, without building a string) straight into the output chunk.
 */
import type { TimelineEvent } from '../model/events.js';
import { NdjsonLineWriter } from './ndjson-line.js';
import type { ChunkedWriter } from './output.js';

export class NdjsonView {
  private readonly lines = new NdjsonLineWriter();

  constructor(private readonly out: ChunkedWriter) {}

  event(event: TimelineEvent): void {
    // Encoded straight into the output chunk; a line that may not fit the room left goes through the line buffer.
    const out = this.out;
    const end = this.lines.lineInto(event, out.chunk, out.chunkUsed);
    if (end >= 0) {
      out.advanceTo(end);
      return;
    }
    const length = this.lines.line(event);
    out.writeBytes(this.lines.buffer, length);
  }
}
