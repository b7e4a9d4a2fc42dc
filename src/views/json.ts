/**
 * JSON view: one document holding the tool's name and version, the summary and every event.
 * Events are written as they come (the document is streamed, not built in memory).
 */
import type { AnalysisSummary } from '../analysis/summary.js';
import type { TimelineEvent } from '../model/events.js';
import { jsonStringify } from './escape.js';
import type { ChunkedWriter } from './output.js';

export class JsonView {
  private first = true;

  constructor(private readonly out: ChunkedWriter, file: string, version: string) {
    this.out.write(`{"tool":"mqtt-pcap","version":${jsonStringify(version)},"file":${jsonStringify(file)},"events":[`);
  }

  event(event: TimelineEvent): void {
    this.out.write(`${this.first ? '\n' : ',\n'}${jsonStringify(event)}`);
    this.first = false;
  }

  end(summary: AnalysisSummary): void {
    this.out.write(`\n],\n"summary":${jsonStringify(summary, 1)}\n}\n`);
  }
}
