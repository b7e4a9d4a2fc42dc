/**
 * `mqtt-pcap analyze <file>`: runs the analysis and writes the chosen view (table, summary, JSON, NDJSON, Markdown)
 * to standard output or a file (./output-file.ts); maps failures to exit codes (0 ok, 2 unreadable, 3 internal,
 * 4 the output cannot be written). Each format's view modules are loaded when that format is chosen (a tiny capture's
 * run is mostly start-up: the NDJSON writer's tables and cli-table3 cost milliseconds to set up).
 */
import { statSync } from 'node:fs';
import { CaptureError } from '../capture/types.js';
import { analyzeCapture } from '../pipeline/analyze.js';
import type { FindingEvent, TcpEvent, TimelineEvent } from '../model/events.js';
import type { AnalysisSink, AnalysisStage, NeighborMessage } from '../model/sink.js';
import { DiagnosisStage } from '../diagnosis/stage.js';
import { ChunkedWriter } from '../views/output.js';
import { colourEnabled, makeStyle, type Style } from '../views/style.js';
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
    output = prepareOutput(args.output, { inputs: [args.file], secrets: args['show-secrets'] });
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
  // The diagnosis stage sees every event; its findings go to the sinks and the summary like any other (src/diagnosis).
  const diagnoses: FindingEvent[] = [];
  const diagnosis = collecting(new DiagnosisStage(), diagnoses);
  const { sinks, flushLive } = await sinksFor(args, out, { width: tableWidth(stream), live, style, version, diagnoses });
  const progress = progressLine(args);
  try {
    const analysis = await analyzeCapture(args.file, {
      ...analysisOptionsOf(args),
      summaryOnly: args.format === 'summary',
      // The table reads events' fields by name: a TCP data segment's line is made only when its row is shown.
      lazyTcpSummaries: args.format === 'table',
      // ... and an MQTT packet's line is written by the table from its fields, never built as a string.
      omitMqttSummaries: args.format === 'table',
      afterChunk: () => {
        // A live capture shows what is known after each chunk of input; then reading waits if the output is full.
        if (live) {
          flushLive();
          out.flush();
        }
        const wait = out.whenWritable();
        return wait === undefined ? undefined : Promise.race([wait, failed]);
      },
      signal: aborter.signal,
      ...(progress !== undefined ? { onProgress: (p: ProgressSample) => progress.update(p) } : {}),
      sinks, stages: [diagnosis],
    });
    progress?.end();
    const { summary } = analysis;
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

interface SinkOptions {
  width: number | undefined;
  live: boolean;
  style: Style;
  version: string;
  /** The diagnosis stage's findings, complete when the sinks end. */
  diagnoses: readonly FindingEvent[];
}

/**
 * The one place that chooses what consumes the analysis for the requested output: each format is a sink that sees
 * the events (only the layers asked for with --only) and, at the end, the summary. Only that format's modules are loaded.
 */
async function sinksFor(args: AnalyzeArgs, out: ChunkedWriter, o: SinkOptions): Promise<{ sinks: AnalysisSink[]; flushLive: () => void }> {
  const { style } = o;
  const lang = args.lang ?? 'en';
  switch (args.format) {
    case 'table': {
      const [{ TableView }, { renderSummary }, { renderDiagnosis }] = await Promise.all([
        import('../views/table.js'), import('../views/summary-text.js'), import('../views/diagnosis-text.js'),
      ]);
      const table = new TableView(out, { width: o.width, live: o.live, style });
      const sink: AnalysisSink = {
        event: (e) => table.event(e),
        end: (summary) => {
          table.end();
          out.write(`\n${renderSummary(summary, style, o.width)}`);
          out.write(renderDiagnosis(o.diagnoses, style, lang, o.width, summary.findings.byCode));
        },
      };
      return { sinks: [onlyLayers(args.only, sink)], flushLive: () => table.flushLive() };
    }
    case 'ndjson': {
      const { NdjsonView } = await import('../views/ndjson.js');
      return { sinks: [onlyLayers(args.only, new NdjsonView(out))], flushLive: () => undefined };
    }
    case 'json': {
      const { JsonView } = await import('../views/json.js');
      return { sinks: [onlyLayers(args.only, new JsonView(out, args.file, o.version))], flushLive: () => undefined };
    }
    case 'markdown': {
      const report = await import('../report/index.js');
      const keyEvents = new report.KeyEventCollector();
      const sink: AnalysisSink = { event: (e) => keyEvents.add(e), end: (summary) => { out.write(report.renderMarkdown(args.file, summary, keyEvents, lang)); } };
      return { sinks: [onlyLayers(args.only, sink)], flushLive: () => undefined };
    }
    case 'summary': {
      const [{ renderSummary }, { renderDiagnosis }] = await Promise.all([import('../views/summary-text.js'), import('../views/diagnosis-text.js')]);
      return {
        sinks: [{ event: () => undefined, end: (summary) => { out.write(renderSummary(summary, style, o.width)); out.write(renderDiagnosis(o.diagnoses, style, lang, o.width, summary.findings.byCode)); } }],
        flushLive: () => undefined,
      };
    }
  }
}

/** The stage, its findings also kept in `into`. */
function collecting(stage: AnalysisStage, into: FindingEvent[]): AnalysisStage {
  // The pipeline hands the stage the same `emit` for every event: its keeping twin is made once, not per event.
  let lastEmit: ((f: FindingEvent) => void) | undefined;
  let lastKeep: (f: FindingEvent) => void = () => {};
  const keep = (emit: (f: FindingEvent) => void): ((f: FindingEvent) => void) => {
    if (emit !== lastEmit) {
      lastEmit = emit;
      lastKeep = (f: FindingEvent): void => { into.push(f); emit(f); };
    }
    return lastKeep;
  };
  return {
    event: (e, emit) => stage.event(e, keep(emit)), finish: (emit, summary) => stage.finish(keep(emit), summary),
    ...(stage.packet !== undefined ? { packet: (p: TcpEvent) => stage.packet!(p) } : {}),
    ...(stage.neighbor !== undefined ? { neighbor: (m: NeighborMessage) => stage.neighbor!(m) } : {}),
  };
}

/** The sink, seeing only the layers asked for with --only (everything when none); its end is kept. */
function onlyLayers(only: string[] | undefined, sink: AnalysisSink): AnalysisSink {
  if (only === undefined || only.length === 0) return sink;
  const wanted = new Set(only);
  const findings = wanted.has('finding');
  return {
    event: (event: TimelineEvent) => {
      if (event.kind === 'finding' ? findings : wanted.has(event.layer)) sink.event(event);
    },
    ...(sink.end !== undefined ? { end: (summary) => sink.end!(summary) } : {}),
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

