/**
 * The report a student hands in, as a library: a sink that gathers the facts while the analysis runs
 * (ReportFactCollector), and `renderReport`, which turns them into Markdown or a self-contained HTML page in English
 * or Bahasa Indonesia, plus the two SVG pictures (flow graph, messages per second). Reads src/model types and the
 * diagnosis's wording; running the analysis (and the diagnosis stage) and writing files is the caller's job
 * (src/cli/report-command.ts).
 */
import type { TimelineEvent } from '../model/events.js';
import type { AnalysisSink } from '../model/sink.js';
import type { AnalysisSummary } from '../model/summary.js';
import { describeDiagnosis } from '../diagnosis/words.js';
import { buildReport, type DiagnosisWording } from './build.js';
import { EN } from './en.js';
import { ReportFactCollector, type ReportFacts } from './facts.js';
import { renderReportHtml } from './html.js';
import { ID } from './id.js';
import { renderReportMarkdown } from './markdown.js';
import type { Words } from './words.js';

export type ReportLanguage = 'en' | 'id';
export type ReportFormat = 'md' | 'html';

export interface ReportOptions {
  lang: ReportLanguage;
  format: ReportFormat;
  /** Markdown only: file names of the SVGs written next to the report, linked from it. */
  flowFile?: string;
  rateFile?: string;
  /** Wording of diagnosis findings (default: src/diagnosis/words.ts's describeDiagnosis). */
  describeDiagnosis?: DiagnosisWording;
}

export interface RenderedReport {
  /** The Markdown or HTML text. */
  text: string;
  flowSvg: string;
  rateSvg: string;
}

export const WORDS: Readonly<Record<ReportLanguage, Words>> = { en: EN, id: ID };

/** An analysis sink gathering the report's facts; `facts()` after the analysis ended. */
export class ReportSink implements AnalysisSink {
  private readonly collector = new ReportFactCollector();
  private summary: AnalysisSummary | undefined;

  constructor(private readonly file: string) {}

  event(event: TimelineEvent): void {
    this.collector.event(event);
  }

  end(summary: AnalysisSummary): void {
    this.summary = summary;
  }

  facts(summary: AnalysisSummary | undefined = this.summary): ReportFacts {
    if (summary === undefined) throw new Error('ReportSink.facts() before the analysis ended');
    return this.collector.facts(summary, this.file);
  }
}

export function renderReport(facts: ReportFacts, options: ReportOptions): RenderedReport {
  const words = WORDS[options.lang];
  const doc = buildReport(facts, words, {
    ...(options.format === 'md' && options.flowFile !== undefined ? { flowFile: options.flowFile } : {}),
    ...(options.format === 'md' && options.rateFile !== undefined ? { rateFile: options.rateFile } : {}),
  }, options.describeDiagnosis ?? describeDiagnosis);
  const figure = (name: 'flow' | 'rate'): string => {
    const b = doc.blocks.find((x) => x.type === 'figure' && x.name === name);
    return b !== undefined && b.type === 'figure' ? b.svg : '';
  };
  return {
    text: options.format === 'html' ? renderReportHtml(doc) : renderReportMarkdown(doc),
    flowSvg: figure('flow'),
    rateSvg: figure('rate'),
  };
}

export { ReportFactCollector };
export type { ReportFacts };

/** `analyze --format markdown`'s collector: the report's facts, gathered from the events (bounded). */
export class KeyEventCollector {
  readonly collector = new ReportFactCollector();

  add(event: TimelineEvent): void {
    this.collector.event(event);
  }
}

/** `analyze --format markdown`: the report in Markdown (no SVG files are written from here). */
export function renderMarkdown(file: string, summary: AnalysisSummary, key: KeyEventCollector, lang: ReportLanguage): string {
  return renderReport(key.collector.facts(summary, file), { lang, format: 'md' }).text;
}
