/**
 * `mqtt-pcap analyze <file>`: runs the analysis and writes the chosen view (table, summary, JSON, NDJSON, Markdown)
 * to standard output or a file (./output-file.ts); maps failures to exit codes (0 ok, 2 unreadable, 3 internal,
 * 4 the output cannot be written).
 */
import { statSync } from 'node:fs';
import { CaptureError } from '../capture/types.js';
import { analyzeCapture } from '../pipeline/analyze.js';
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import { DiagnosisStage } from '../diagnosis/stage.js';
import { renderDiagnosis } from '../views/diagnosis-text.js';
import { JsonView } from '../views/json.js';
import { KeyEventCollector, renderMarkdown } from '../report/index.js';
import { NdjsonView } from '../views/ndjson.js';
import { ChunkedWriter } from '../views/output.js';
import { colourEnabled, makeStyle } from '../views/style.js';
import { renderSummary } from '../views/summary-text.js';
import { TableView } from '../views/table.js';
import { escapeTerminal } from '../views/escape.js';
import { ProgressLine, type ProgressSample } from '../views/progress.js';
import { analysisOptionsOf, type AnalyzeArgs } from './options.js';
import { packageVersion } from './version.js';
import { EXIT_WRITE_ERROR, OutputError, prepareOutput, type Output } from './output-file.js';

export async function runAnalyze(args: AnalyzeArgs): Promise<number> {
  const started = process.hrtime.bigint();
  const version = packageVersion();
  let output: Output;
  try {
    // Checked and opened before the analysis: a bad -o is one line on stderr, and no work is wasted.
    output = prepareOutput(args.output, { input: args.file, secrets: args['show-secrets'] });
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  // A write error stops the analysis (nothing more can be written) and is exit code 4.
  const aborter = new AbortController();
  const failed = new Promise<never>((_resolve, reject) => output.onError((error) => {
    aborter.abort(error);
    reject(error);
  }));
  failed.catch(() => undefined);
  const stream = output.stream;
  const out = new ChunkedWriter(stream);
  const style = makeStyle(output.toStdout && colourEnabled(stream, args.color));
  const live = args.file === '-';
  let onEvent: ((event: TimelineEvent) => void) | undefined;
  let table: TableView | undefined;
  let json: JsonView | undefined;
  const collect = false;
  let keyEvents: KeyEventCollector | undefined;
  switch (args.format) {
    case 'table': {
      table = new TableView(out, { width: tableWidth(stream), live, style });
      onEvent = (e) => table!.event(e);
      break;
    }
    case 'ndjson': {
      const view = new NdjsonView(out);
      onEvent = (e) => view.event(e);
      break;
    }
    case 'json':
      json = new JsonView(out, args.file, version);
      onEvent = (e) => json!.event(e);
      break;
    case 'markdown':
      keyEvents = new KeyEventCollector();
      onEvent = (e) => keyEvents!.add(e);
      break;
    case 'summary':
      onEvent = () => undefined;
      break;
  }
  // The diagnosis stage sees every event; its findings go to the view like any other (src/diagnosis).
  const diagnosis = new DiagnosisStage();
  const diagnoses: FindingEvent[] = [];
  const consumer = onEvent !== undefined ? onlyLayers(args.only, onEvent) : undefined;
  const emitDiagnosis = (finding: FindingEvent): void => { diagnoses.push(finding); consumer?.(finding); };
  const progress = progressLine(args);
  try {
    const analysis = await analyzeCapture(args.file, {
      ...analysisOptionsOf(args),
      summaryOnly: args.format === 'summary',
      afterChunk: () => {
        // A live capture shows what is known after each chunk of input; then reading waits if the output is full.
        if (live) {
          table?.flushLive();
          out.flush();
        }
        const wait = out.whenWritable();
        return wait === undefined ? undefined : Promise.race([wait, failed]);
      },
      signal: aborter.signal,
      ...(progress !== undefined ? { onProgress: (p: ProgressSample) => progress.update(p) } : {}),
      onEvent: (e) => { consumer?.(e); diagnosis.event(e, emitDiagnosis); }, collect,
    });
    progress?.end();
    const { summary } = analysis;
    diagnosis.finish(emitDiagnosis, summary);
    if (table !== undefined) {
      table.end();
      out.write(`\n${renderSummary(summary, style)}`);
      out.write(renderDiagnosis(diagnoses, style, args.lang ?? 'en'));
    } else if (json !== undefined) {
      json.end(summary);
    } else if (args.format === 'summary') {
      out.write(renderSummary(summary, style));
      out.write(renderDiagnosis(diagnoses, style, args.lang ?? 'en'));
    } else if (args.format === 'markdown') {
      out.write(renderMarkdown(args.file, summary, keyEvents!, args.lang ?? 'en'));
    }
    await Promise.race([out.close(), failed]);
    await output.commit();
    if (args.stats) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = process.resourceUsage().maxRSS / 1024;
      process.stderr.write(`mqtt-pcap: ${summary.frames.read} frames, ${summary.mqtt.messages} MQTT messages, ${(summary.capture.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(3)} s `
        + `(${Math.round(summary.frames.read / seconds)} frames/s, ${(summary.capture.bytes / 1e6 / seconds).toFixed(1)} MB/s), peak RSS ${rss.toFixed(0)} MB\n`);
    }
    return 0;
  } catch (error) {
    progress?.end();
    // What is still buffered is dropped: a failed run adds nothing more to its output (e.g. no half JSON document).
    output.abort();
    if (error instanceof OutputError) {
      process.stderr.write(`mqtt-pcap: ${error.message}\n`);
      return EXIT_WRITE_ERROR;
    }
    if (error instanceof CaptureError) {
      process.stderr.write(`mqtt-pcap: ${escapeTerminal(error.message)}\n`);
      if (args.debug) process.stderr.write(`${error.stack ?? ''}\n`);
      return 2;
    }
    process.stderr.write(`mqtt-pcap: internal error: ${escapeTerminal(error instanceof Error ? error.message : String(error))}\n`);
    if (args.debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    return 3;
  }
}

/** The event consumer, seeing only the layers asked for with --only (everything when none). */
function onlyLayers(only: string[], consumer: (event: TimelineEvent) => void): (event: TimelineEvent) => void {
  if (only.length === 0) return consumer;
  const wanted = new Set(only);
  const findings = wanted.has('finding');
  return (event) => {
    if (event.type === 'finding' ? findings : wanted.has(event.layer)) consumer(event);
  };
}

/**
 * The width the table must fit: COLUMNS when set, else the terminal's width; undefined (no wrapping) when the output
 * is a pipe or a file.
 */
function tableWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  const columns = Number(process.env['COLUMNS']);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
}

/** The progress line, when wanted: --progress, or by default when stderr is a terminal outside CI. */
function progressLine(args: AnalyzeArgs): ProgressLine | undefined {
  const wanted = args.progress ?? (process.stderr.isTTY === true && (process.env['CI'] ?? '') === '');
  if (!wanted) return undefined;
  let size: number | undefined;
  try {
    if (args.file !== '-') size = statSync(args.file).size;
  } catch {
    size = undefined;
  }
  return new ProgressLine(process.stderr, size);
}

