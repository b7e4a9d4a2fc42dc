/**
 * `analyze --format markdown`: the same report as `mqtt-pcap report` (src/report), in Markdown, kept under its old
 * names for the analyze command. KeyEventCollector gathers the report's facts from the events (bounded memory);
 * renderMarkdown writes the report. No SVG files are written from here (the report command writes them).
 */
import type { TimelineEvent } from '../model/events.js';
import type { AnalysisSummary } from '../model/summary.js';
import { ReportFactCollector, renderReport } from '../report/index.js';

export class KeyEventCollector {
  readonly collector = new ReportFactCollector();

  add(event: TimelineEvent): void {
    this.collector.event(event);
  }
}

export function renderMarkdown(file: string, summary: AnalysisSummary, key: KeyEventCollector, lang: 'en' | 'id'): string {
  return renderReport(key.collector.facts(summary, file), { lang, format: 'md' }).text;
}
