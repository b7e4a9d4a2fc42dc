/**
 * `mqtt-pcap report <file>`: runs the analysis with the report's sink and writes the report (Markdown or HTML,
 * English or Bahasa Indonesia) to standard output or atomically to `-o FILE`; next to a Markdown file it also writes
 * `NAME.flow.svg` and `NAME.rate.svg`, which the report links. The format follows --format, else the -o extension.
 * Exit codes as analyze: 0 written, 2 input unreadable, 3 internal error, 4 output unwritable (./output-file.ts).
 */
import path from 'node:path';
import { CaptureError } from '../capture/types.js';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline/analyze.js';
import { renderReport, ReportSink, type ReportFormat, type ReportLanguage } from '../report/index.js';
import { EXIT_WRITE_ERROR, OutputError, prepareOutput, writeWholeFile } from './output-file.js';

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

export async function runReport(args: ReportArgs, analyzeOptions: AnalyzeOptions): Promise<number> {
  const format = reportFormatOf(args);
  const target = args.output !== undefined && args.output !== '-' ? args.output : undefined;
  // The target is checked before the analysis: a bad -o is refused at once (exit 4).
  try {
    prepareOutput(target, { inputs: [args.file] }).abort();
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  const sink = new ReportSink(args.file === '-' ? '<stdin>' : args.file);
  try {
    const { summary } = await analyzeCapture(args.file, { ...analyzeOptions, onEvent: (e) => sink.event(e) });
    sink.end(summary);
  } catch (error) {
    if (error instanceof CaptureError) {
      process.stderr.write(`mqtt-pcap: ${error.message}\n`);
      if (args.debug) process.stderr.write(`${error.stack ?? ''}\n`);
      return 2;
    }
    throw error;
  }
  const base = target !== undefined ? path.basename(target).replace(/\.(md|markdown|html?)$/i, '') : undefined;
  const files = target !== undefined && format === 'md' ? { flowFile: `${base}.flow.svg`, rateFile: `${base}.rate.svg` } : {};
  const report = renderReport(sink.facts(), { lang: args.lang, format, ...files });
  try {
    if (target !== undefined && files.flowFile !== undefined && files.rateFile !== undefined) {
      const dir = path.dirname(target);
      await writeWholeFile(path.join(dir, files.flowFile), report.flowSvg, { inputs: [args.file] });
      await writeWholeFile(path.join(dir, files.rateFile), report.rateSvg, { inputs: [args.file] });
    }
    await writeWholeFile(target, report.text, { inputs: [args.file] });
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  return 0;
}
