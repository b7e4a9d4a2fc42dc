#!/usr/bin/env node
/**
 * The mqtt-pcap command line: a thin yargs layer over analyzeCapture and the views. Parses options, picks the view,
 * maps failures to exit codes (0 ok, 1 usage, 2 unreadable input). No analysis logic lives here.
 */
import { statSync, createWriteStream, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { runCheck, type CheckArgs } from './check-command.js';
import { hideBin } from 'yargs/helpers';
import { CaptureError } from '../capture/types.js';
import { analyzeCapture, DEFAULT_LIMITS, type AnalyzeOptions } from '../timeline/analyze.js';
import type { TimelineEvent } from '../timeline/events.js';
import { JsonView } from '../views/json.js';
import { KeyEventCollector, renderMarkdown } from '../views/markdown.js';
import { NdjsonView } from '../views/ndjson.js';
import { ChunkedWriter } from '../views/output.js';
import { colourEnabled, makeStyle } from '../views/style.js';
import { renderSummary } from '../views/summary-text.js';
import { TableView } from '../views/table.js';
import { ProgressLine, type ProgressSample } from '../views/progress.js';

const FORMATS = ['table', 'summary', 'json', 'ndjson', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

function packageVersion(): string {
  try {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const pkg = JSON.parse(readFileSync(path.resolve(here, '../../../package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

interface AnalyzeArgs {
  file: string;
  format: Format;
  port: number[];
  'tls-port': number[];
  'show-secrets': boolean;
  output: string | undefined;
  color: boolean | undefined;
  stats: boolean;
  only: string[];
  progress: boolean | undefined;
  debug: boolean;
  lang: 'en' | 'id';
  'max-packet-bytes': number;
  'max-connections': number;
  'max-buffered-bytes': number;
  'max-buffered-bytes-total': number;
}

async function runAnalyze(args: AnalyzeArgs): Promise<number> {
  const started = process.hrtime.bigint();
  const version = packageVersion();
  const target = args.output;
  const temporary = target !== undefined ? `${target}.${process.pid}.tmp` : undefined;
  let fd: number | undefined;
  if (temporary !== undefined) {
    // Opened now, so that an unwritable -o is one line on stderr rather than an unhandled stream error.
    try {
      fd = openSync(temporary, 'w');
    } catch (error) {
      process.stderr.write(`mqtt-pcap: cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return 2;
    }
  }
  const stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = temporary !== undefined
    ? createWriteStream(temporary, { fd })
    : process.stdout;
  const out = new ChunkedWriter(stream);
  const style = makeStyle(temporary === undefined && colourEnabled(stream, args.color));
  const live = args.file === '-';
  let onEvent: ((event: TimelineEvent) => void) | undefined;
  let table: TableView | undefined;
  let json: JsonView | undefined;
  const collect = false;
  let keyEvents: KeyEventCollector | undefined;
  switch (args.format) {
    case 'table': {
      const width = stream.isTTY === true && stream.columns !== undefined ? stream.columns : 160;
      table = new TableView(out, { width, live, style });
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
        return out.whenWritable();
      },
      ...(progress !== undefined ? { onProgress: (p: ProgressSample) => progress.update(p) } : {}),
      ...(onEvent !== undefined ? { onEvent: onlyLayers(args.only, onEvent) } : {}), collect,
    });
    progress?.end();
    const { summary } = analysis;
    if (table !== undefined) {
      table.end();
      out.write(renderSummary(summary, style));
    } else if (json !== undefined) {
      json.end(summary);
    } else if (args.format === 'summary') {
      out.write(renderSummary(summary, style));
    } else if (args.format === 'markdown') {
      out.write(renderMarkdown(args.file, summary, keyEvents!, args.lang));
    }
    await out.close();
    if (temporary !== undefined && target !== undefined) {
      await new Promise<void>((resolve, reject) => stream.end(() => resolve()).on?.('error', reject));
      renameSync(temporary, target);
    }
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
    if (temporary !== undefined) {
      stream.end();
      rmSync(temporary, { force: true });
    }
    if (error instanceof CaptureError) {
      process.stderr.write(`mqtt-pcap: ${error.message}\n`);
      if (args.debug) process.stderr.write(`${error.stack ?? ''}\n`);
      return 2;
    }
    process.stderr.write(`mqtt-pcap: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (args.debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    return 3;
  }
}

const ONLY_CHOICES = ['arp', 'tcp', 'tls', 'mqtt', 'ip', 'frame', 'capture', 'finding'];

/** The event consumer, seeing only the layers asked for with --only (everything when none). */
function onlyLayers(only: string[], consumer: (event: TimelineEvent) => void): (event: TimelineEvent) => void {
  if (only.length === 0) return consumer;
  const wanted = new Set(only);
  const findings = wanted.has('finding');
  return (event) => {
    if (event.type === 'finding' ? findings : wanted.has(event.layer)) consumer(event);
  };
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

/** Options shared by analyze and check: what to dissect and the memory bounds. */
function withAnalysisOptions<T>(y: Argv<T>) {
  return y
    .option('port', { alias: 'p', type: 'number', array: true, default: [] as number[], describe: 'extra TCP port carrying MQTT (1883 always does)' })
    .option('tls-port', { type: 'number', array: true, default: [] as number[], describe: 'TCP port of MQTT over TLS (default 8883)' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'show MQTT passwords and authentication data instead of ***' })
    .option('color', { type: 'boolean', describe: 'force colours on or off (default: on a terminal, unless NO_COLOR)' })
    .option('max-packet-bytes', { type: 'number', default: DEFAULT_LIMITS.maxPacketBytes, describe: 'largest MQTT packet buffered whole' })
    .option('max-connections', { type: 'number', default: DEFAULT_LIMITS.maxConnections, describe: 'TCP connections tracked at once' })
    .option('max-buffered-bytes', { type: 'number', default: DEFAULT_LIMITS.maxBufferedBytesPerStream, describe: 'out-of-order bytes held per TCP direction' })
    .option('max-buffered-bytes-total', { type: 'number', default: DEFAULT_LIMITS.maxBufferedBytesTotal, describe: 'out-of-order bytes held in all' })
    .check((args) => {
      const problems = validateAnalysisOptions(args as unknown as AnalyzeArgs);
      if (problems.length > 0) throw new UsageError(problems.join('; '));
      return true;
    });
}

/** A command line that cannot be run as given (exit code 1). */
class UsageError extends Error {}

/** Option values that make no sense: ports outside 1..65535, bounds that are not positive integers. */
export function validateAnalysisOptions(args: AnalyzeArgs): string[] {
  const problems: string[] = [];
  for (const [name, ports] of [['--port', args.port], ['--tls-port', args['tls-port']]] as const) {
    for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) problems.push(`${name} ${p}: a TCP port is 1..65535`);
  }
  for (const name of ['max-packet-bytes', 'max-connections', 'max-buffered-bytes', 'max-buffered-bytes-total'] as const) {
    const value = args[name];
    if (!Number.isInteger(value) || value < 1) problems.push(`--${name} ${value}: must be a positive integer`);
  }
  return problems;
}

function analysisOptionsOf(args: AnalyzeArgs): AnalyzeOptions {
  return {
    ports: args.port, tlsPorts: args['tls-port'].length > 0 ? args['tls-port'] : [8883], showSecrets: args['show-secrets'],
    maxPacketBytes: args['max-packet-bytes'], maxConnections: args['max-connections'],
    maxBufferedBytesPerStream: args['max-buffered-bytes'], maxBufferedBytesTotal: args['max-buffered-bytes-total'],
  };
}

/** yargs reads a lone "-" as an empty option ("analyze -" would get file ""): it goes through as this (no argument can hold NUL). */
const DASH = '\0-';

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv.map((a) => (a === '-' ? DASH : a)))
    .scriptName('mqtt-pcap')
    .usage('$0 [analyze] <file> [options]\n$0 check <file> --spec spec.json\n\nExplains the MQTT traffic in a packet capture (pcap, pcapng, gzip; "-" reads standard input).')
    .command(['analyze <file>', '$0 <file>'], 'show the timeline of a capture and its summary', (y) => withAnalysisOptions(y
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for standard input' })
      .option('format', { alias: 'f', choices: FORMATS, default: 'table' as Format, describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file (atomically) instead of standard output' })
      .option('lang', { choices: ['en', 'id'] as const, default: 'en' as const, describe: 'language of the Markdown report (id: Bahasa Indonesia)' })
      .option('only', { type: 'string', array: true, choices: ONLY_CHOICES, default: [] as string[], describe: 'show only these layers in the timeline (the summary always covers everything); "finding" for findings' })
      .option('stats', { type: 'boolean', default: false, describe: 'print the run\'s own figures (time, frames/s, peak memory) on stderr' })
      .option('progress', { type: 'boolean', describe: 'progress line on stderr (default: when stderr is a terminal and CI is not set)' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' })),
    async (args) => {
      const a = args as unknown as AnalyzeArgs;
      exitCode = await runAnalyze({ ...a, file: a.file === DASH ? '-' : a.file, output: a.output === DASH ? '-' : a.output });
    })
    .command('check <file>', 'judge a capture against a declarative spec (for CI): exit 0 pass, 1 fail, 2 unreadable', (y) => withAnalysisOptions(y
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for standard input' })
      .option('spec', { alias: 's', type: 'string', demandOption: true, describe: 'JSON check spec (docs/checks.md)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON' })),
    async (args) => {
      const a = args as unknown as AnalyzeArgs & CheckArgs;
      exitCode = await runCheck({ file: a.file === DASH ? '-' : a.file, spec: a.spec, json: a.json, color: a.color }, analysisOptionsOf(a));
    })
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .alias('V', 'version')
    .strict()
    .fail((message, error) => {
      if (error !== undefined && error !== null && !(error instanceof UsageError)) throw error;
      // Throwing stops yargs here: the command must not run after a usage error.
      throw new UsageError(message ?? error?.message ?? 'bad usage');
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\nRun "mqtt-pcap --help" for usage.\n`);
    return 1;
  }
  return exitCode;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly || process.argv[1]?.endsWith('mqtt-pcap')) {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  main(hideBin(process.argv)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`mqtt-pcap: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  });
}
