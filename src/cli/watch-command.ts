/**
 * `mqtt-pcap watch [-i IFACE | FILE | -]`: the live view's options (input, interval, format, replay) checked and
 * handed to src/watch/session.ts; the final summary printed on exit (text, or one JSON object for ndjson); failures
 * mapped to exit codes (0 ok, 1 usage, 2 input unreadable or capture not possible, 3 internal).
 */
import type { Argv } from 'yargs';
import { CaptureError } from '../capture/types.js';
import { CaptureProcessError } from '../watch/capture-process.js';
import { runWatch, WATCH_FORMATS, type WatchFormat, type WatchInput } from '../watch/session.js';
import { colourEnabled, makeStyle } from '../views/style.js';
import { renderSummary } from '../views/summary-text.js';
import { renderDiagnosis } from '../views/diagnosis-text.js';
import { jsonStringify } from '../views/escape.js';
import { analysisOptionsOf, DASH, UsageError, withAnalysisOptions, type AnalyzeArgs } from './options.js';

export interface WatchArgs extends Omit<AnalyzeArgs, 'format' | 'file'> {
  file: string | undefined;
  interface: string | undefined;
  interval: string;
  format: WatchFormat | undefined;
  replay: boolean;
  speed: number;
  tool: 'tcpdump' | 'dumpcap' | undefined;
}

export function watchOptions<T>(y: Argv<T>) {
  return withAnalysisOptions(y
    .positional('file', { type: 'string', describe: 'capture file, or - for standard input (tcpdump -U -w - | mqtt-pcap watch -)' })
    .option('interface', { alias: 'i', type: 'string', describe: 'capture live on this interface (starts tcpdump, or dumpcap)' })
    .option('interval', { type: 'string', default: '1s', describe: 'redraw / report interval: 500ms, 1s, 2.5s, 1m' })
    .option('format', { alias: 'f', choices: WATCH_FORMATS, describe: 'screen (default on a terminal), lines (one per interval, like vmstat), ndjson' })
    .option('replay', { type: 'boolean', default: false, describe: 'read a file at its own pace (its timestamps) instead of as fast as possible' })
    .option('speed', { type: 'number', default: 1, describe: 'replay speed factor (with --replay)' })
    .option('tool', { choices: ['tcpdump', 'dumpcap'] as const, describe: 'capture program for -i (default: tcpdump, else dumpcap)' })
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' }))
    .check((args) => {
      const a = args as unknown as WatchArgs;
      if (a.interface !== undefined && a.file !== undefined) throw new UsageError('give either -i IFACE or a capture file, not both');
      if (a.interface === undefined && a.file === undefined) throw new UsageError('watch needs -i IFACE, a capture file, or - for standard input');
      if (parseInterval(a.interval) === undefined) throw new UsageError(`--interval ${a.interval}: use e.g. 500ms, 1s, 2.5s or 1m (at least 100ms)`);
      if (!(a.speed > 0)) throw new UsageError(`--speed ${a.speed}: must be positive`);
      if (a.replay && (a.file === undefined || a.file === DASH || a.file === '-')) throw new UsageError('--replay needs a capture file (standard input and -i arrive at their own pace)');
      return true;
    });
}

/** "500ms", "1s", "2.5s", "1m" or a bare number of seconds → seconds; undefined when unreadable or under 100 ms. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) return undefined;
  const value = Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1);
  return value >= 0.1 ? value : undefined;
}

export async function runWatchCommand(args: WatchArgs): Promise<number> {
  const stdout = process.stdout;
  const format: WatchFormat = args.format ?? (stdout.isTTY === true ? 'screen' : 'lines');
  if (format === 'screen' && stdout.isTTY !== true) {
    process.stderr.write('mqtt-pcap: --format screen needs a terminal on standard output (use --format lines or ndjson)\n');
    return 1;
  }
  const input: WatchInput = args.interface !== undefined
    ? { kind: 'interface', name: args.interface, ...(args.tool !== undefined ? { tool: args.tool } : {}) }
    : args.file === '-' ? { kind: 'stdin' } : { kind: 'file', path: args.file! };
  const colour = colourEnabled(stdout, args.color);
  try {
    const result = await runWatch({
      input, format, analysis: analysisOptionsOf({ ...args, format: 'table', file: args.file ?? '' }),
      intervalSeconds: parseInterval(args.interval)!, replay: args.replay, speed: args.speed, color: colour,
    });
    if (format === 'ndjson') {
      stdout.write(`${jsonStringify({ type: 'summary', summary: result.summary, diagnoses: result.diagnoses })}\n`);
    } else {
      const style = makeStyle(colour);
      // A blank line between the last interval and the summary.
      stdout.write(`\n${renderSummary(result.summary, style)}`);
      stdout.write(renderDiagnosis(result.diagnoses, style, 'en', undefined, result.summary.findings.byCode));
    }
    if (result.captureFailure !== undefined) {
      process.stderr.write(`mqtt-pcap: ${result.captureFailure}\n`);
      return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof CaptureError || error instanceof CaptureProcessError) {
      process.stderr.write(`mqtt-pcap: ${error.message}\n`);
      if (args.debug) process.stderr.write(`${error.stack ?? ''}\n`);
      return 2;
    }
    process.stderr.write(`mqtt-pcap: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (args.debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
    return 3;
  }
}
