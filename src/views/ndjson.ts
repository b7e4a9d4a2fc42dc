/**
 * NDJSON view: one event per line, written as soon as it is known (so a live capture on stdin streams). A line is
 * always written whole. Formats events only; the summary goes to the JSON view.
 */
import type { TimelineEvent } from '../timeline/events.js';
import type { ChunkedWriter } from './output.js';

export class NdjsonView {
  constructor(private readonly out: ChunkedWriter, private readonly live: boolean) {}

  event(event: TimelineEvent): void {
    this.out.write(`${JSON.stringify(event)}\n`);
    if (this.live) this.out.flush();
  }
}
