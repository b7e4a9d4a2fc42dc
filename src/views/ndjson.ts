/**
 * NDJSON view: one event per line. A line is always written whole; the CLI flushes after every chunk of input, so a
 * live capture on stdin streams. Formats events only; the summary goes to the JSON view.
 */
import type { TimelineEvent } from '../model/events.js';
import { jsonStringify } from './escape.js';
import type { ChunkedWriter } from './output.js';

export class NdjsonView {
  constructor(private readonly out: ChunkedWriter) {}

  event(event: TimelineEvent): void {
    this.out.write(`${jsonStringify(event)}\n`);
  }
}
