/**
 * `mqtt-pcap report <file>`: runs the analysis with the report's sink and writes the report (Markdown or HTML,
 * English or Bahasa Indonesia) to standard output or atomically to `-o FILE`; next to a Markdown file it also writes
 * `NAME.flow.svg` and `NAME.rate.svg`, which the report links. The format follows --format, else the -o extension.
 * Exit codes as analyze: 0 written, 2 input unreadable or output unwritable, 3 internal error.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CaptureError } from '../capture/types.js';
import { DiagnosisStage } from '../diagnosis/stage.js';
import type { FindingEvent } from '../model/events.js';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline/analyze.js';
import { renderReport, ReportSink, type ReportFormat, type ReportLanguage } from '../report/index.js';

export interface ReportArgs {
  file: string;
  output: string | undefined;
  lang: ReportLanguage;
  format: ReportFormat | undefined;
  debug: boolean;
}

export const REPORT_FORMATS = ['md', 'html'] as const;

/** md or html: as asked, else from the output file's extension, else Markdown. */
export function reportFormatOf(args: Pick<ReportArgs, 'format' | 'output'>): ReportFormat {
  if (args.format !== undefined) return args.format;
  return args.output !== undefined && /\.html?$/i.test(args.output) ? 'html' : 'md';
}

/** Writes through a temporary file in the same directory and renames it: readers never see half a file. */
function writeAtomically(target: string, text: string): void {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export async function runReport(args: ReportArgs, analyzeOptions: AnalyzeOptions): Promise<number> {
  const format = reportFormatOf(args);
  const sink = new ReportSink(args.file === '-' ? '<stdin>' : args.file);
  try {
    // The diagnosis stage reads every event; its findings reach the report like any other (src/diagnosis).
    const diagnosis = new DiagnosisStage();
    const emit = (finding: FindingEvent): void => sink.event(finding);
    const { summary } = await analyzeCapture(args.file, { ...analyzeOptions, onEvent: (e) => { sink.event(e); diagnosis.event(e, emit); } });
    diagnosis.finish(emit, summary);
    sink.end(summary);
  } catch (error) {
    if (error instanceof CaptureError) {
      process.stderr.write(`mqtt-pcap: ${error.message}\n`);
      if (args.debug) process.stderr.write(`${error.stack ?? ''}\n`);
      return 2;
    }
    throw error;
  }
  const target = args.output !== undefined && args.output !== '-' ? args.output : undefined;
  const base = target !== undefined ? path.basename(target).replace(/\.(md|markdown|html?)$/i, '') : undefined;
  const files = target !== undefined && format === 'md' ? { flowFile: `${base}.flow.svg`, rateFile: `${base}.rate.svg` } : {};
  const report = renderReport(sink.facts(), { lang: args.lang, format, ...files });
  if (target === undefined) {
    process.stdout.write(report.text);
    return 0;
  }
  try {
    if (files.flowFile !== undefined && files.rateFile !== undefined) {
      const dir = path.dirname(target);
      writeAtomically(path.join(dir, files.flowFile), report.flowSvg);
      writeAtomically(path.join(dir, files.rateFile), report.rateSvg);
    }
    writeAtomically(target, report.text);
  } catch (error) {
    process.stderr.write(`mqtt-pcap: cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  return 0;
}
