/**
 * `mqtt-pcap report <file>`: runs the analysis with the report's sink and writes the report (Markdown or HTML,
 * English or Bahasa Indonesia) to standard output or atomically to `-o FILE`; next to a Markdown file it also writes
 * `NAME.flow.svg` and `NAME.rate.svg`, which the report links. The format follows --format, else the -o extension.
 * Files are written through src/cli/output-file.ts (refused before the analysis when they cannot be written; a
 * temporary file renamed over the target). Exit codes as analyze: 0 written, 2 input unreadable, 3 internal error,
 * 4 output cannot be written.
 */
import path from 'node:path';
import { CaptureError } from '../capture/types.js';
import { DiagnosisStage } from '../diagnosis/stage.js';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline/analyze.js';
import { escapeTerminal } from '../views/escape.js';
import { EXIT_WRITE_ERROR, OutputError, prepareOutput, type Output } from './output-file.js';
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

/** Writes all of `text` to a prepared output and commits it (renamed over its target). */
async function writeAll(output: Output, text: string): Promise<void> {
  output.stream.write(text);
  await output.commit();
}

export async function runReport(args: ReportArgs, analyzeOptions: AnalyzeOptions): Promise<number> {
  const format = reportFormatOf(args);
  const target = args.output !== undefined && args.output !== '-' ? args.output : undefined;
  const base = target !== undefined ? path.basename(target).replace(/\.(md|markdown|html?)$/i, '') : undefined;
  const files = target !== undefined && format === 'md' ? { flowFile: `${base}.flow.svg`, rateFile: `${base}.rate.svg` } : {};
  // Bad targets are refused before the capture is analysed (src/cli/output-file.ts: temporary file, then rename).
  const outputs: Output[] = [];
  try {
    if (target !== undefined) {
      const secrets = analyzeOptions.showSecrets === true;
      if (files.flowFile !== undefined && files.rateFile !== undefined) {
        outputs.push(prepareOutput(path.join(path.dirname(target), files.flowFile), { inputs: [args.file], secrets }));
        outputs.push(prepareOutput(path.join(path.dirname(target), files.rateFile), { inputs: [args.file], secrets }));
      }
      outputs.push(prepareOutput(target, { inputs: [args.file], secrets }));
    }
  } catch (error) {
    for (const o of outputs) o.abort();
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  const sink = new ReportSink(args.file === '-' ? '<stdin>' : args.file);
  try {
    // The diagnosis is a stage of the analysis, as `analyze` runs it (so it also gets what no event carries: IPv6
    // neighbour messages, dual-stack links); its findings reach the report like any other (src/diagnosis).
    const { summary } = await analyzeCapture(args.file, { ...analyzeOptions, stages: [new DiagnosisStage()], onEvent: (e) => sink.event(e) });
    sink.end(summary);
  } catch (error) {
    for (const o of outputs) o.abort();
    if (error instanceof CaptureError) {
      process.stderr.write(`mqtt-pcap: ${escapeTerminal(error.message)}\n`);
      if (args.debug) process.stderr.write(`${error.stack ?? ''}\n`);
      return 2;
    }
    throw error;
  }
  const report = renderReport(sink.facts(), { lang: args.lang, format, ...files });
  try {
    // The pictures first, then the report that links them.
    const texts = outputs.length === 3 ? [report.flowSvg, report.rateSvg, report.text] : [report.text];
    // No -o (or "-"): standard output, whose write errors main.ts turns into exit code 4.
    if (outputs.length === 0) process.stdout.write(report.text);
    for (const [i, o] of outputs.entries()) await writeAll(o, texts[i]!);
  } catch (error) {
    for (const o of outputs) o.abort();
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  return 0;
}
