/**
 * Command-line options shared by every command that analyses a capture (what to dissect, the memory bounds), their
 * validation, and the mapping to the library's AnalyzeOptions. No analysis or output here.
 */
import { DEFAULT_MEMORY_BUDGET } from '../model/budget.js';
import { accessSync, constants } from 'node:fs';
import type { Argv } from 'yargs';
import { DEFAULT_MAX_GZIP_RATIO } from '../capture/gunzip.js';
import { DEFAULT_LIMITS, type AnalyzeOptions } from '../pipeline/analyze.js';

/** --memory-budget's default, as written on the command line (DEFAULT_MEMORY_BUDGET in bytes). */
export const DEFAULT_MEMORY_BUDGET_OPTION = '1G';

export const FORMATS = ['table', 'summary', 'json', 'ndjson', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Layers --only can select ("finding" for findings). */
export const ONLY_CHOICES = ['arp', 'tcp', 'tls', 'mqtt', 'ip', 'frame', 'capture', 'finding'];

/**
 * Options that only some formats use: given with another format, the command line is refused rather than the
 * option silently ignored.
 */
export function formatProblems(args: Pick<AnalyzeArgs, 'format' | 'lang' | 'color'> & { only?: string[] }): string[] {
  const problems: string[] = [];
  if (args.lang !== undefined && (args.format === 'json' || args.format === 'ndjson')) {
    problems.push(`--lang applies to the text outputs (table and summary: the Diagnosis section; markdown: the report); --format ${args.format} is data, not sentences`);
  }
  if ((args.only?.length ?? 0) > 0 && args.format === 'summary') {
    problems.push('--only selects timeline rows, and --format summary has no timeline (the summary always covers everything)');
  }
  if (args.color !== undefined && (args.format === 'json' || args.format === 'ndjson' || args.format === 'markdown')) {
    problems.push(`--color/--no-color apply to the table and summary only; --format ${args.format} is never coloured`);
  }
  return problems;
}

export interface AnalyzeArgs {
  file: string;
  format: Format;
  port: number[];
  'tls-port': number[];
  keylog: string | undefined;
  'show-secrets': boolean;
  output: string | undefined;
  color: boolean | undefined;
  stats: boolean;
  only: string[];
  progress: boolean | undefined;
  debug: boolean;
  /** Undefined when not given (English). */
  lang: 'en' | 'id' | undefined;
  'max-packet-bytes': number;
  'max-connections': number;
  'max-buffered-bytes': number;
  'max-buffered-bytes-total': number;
  'max-gzip-ratio': number;
  'memory-budget': string;
}

/** Options shared by analyze and check: what to dissect and the memory bounds. */
export function withAnalysisOptions<T>(y: Argv<T>) {
  return y
    .option('port', { alias: 'p', type: 'number', array: true, default: [] as number[], describe: 'extra TCP port carrying MQTT (1883 always does)' })
    .option('tls-port', { type: 'number', array: true, default: [] as number[], describe: 'TCP port of MQTT over TLS (default 8883)' })
    .option('keylog', { type: 'string', describe: 'NSS key log (SSLKEYLOGFILE format) to decrypt MQTT over TLS (default: $SSLKEYLOGFILE); docs/tls.md' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'show MQTT passwords and authentication data instead of ***' })
    .option('color', { type: 'boolean', describe: 'force colours on or off (default: on a terminal, unless NO_COLOR)' })
    .option('max-packet-bytes', { type: 'number', default: DEFAULT_LIMITS.maxPacketBytes, describe: 'largest MQTT packet buffered whole' })
    .option('max-connections', { type: 'number', default: DEFAULT_LIMITS.maxConnections, describe: 'TCP connections tracked at once' })
    .option('max-buffered-bytes', { type: 'number', default: DEFAULT_LIMITS.maxBufferedBytesPerStream, describe: 'out-of-order bytes held per TCP direction' })
    .option('max-buffered-bytes-total', { type: 'number', default: DEFAULT_LIMITS.maxBufferedBytesTotal, describe: 'out-of-order bytes held in all' })
    .option('max-gzip-ratio', { type: 'number', default: DEFAULT_MAX_GZIP_RATIO, describe: 'gzip input: stop reading when it expands more than this many times (past 16 MiB)' })
    .option('memory-budget', { type: 'string', default: DEFAULT_MEMORY_BUDGET_OPTION, describe: 'memory the analysis state may hold (connections, buffers, pending requests), e.g. 512M, 2G' })
    .check((args) => {
      // With --help or --version nothing runs (yargs does not exit the process: its output's errors are checked).
      if (args['help'] === true || args['version'] === true) return true;
      const problems = validateAnalysisOptions(args as unknown as AnalyzeArgs);
      if (problems.length > 0) throw new UsageError(problems.join('; '));
      return true;
    });
}

/** A command line that cannot be run as given (exit code 1). */
export class UsageError extends Error {}

/** Option values that make no sense: ports outside 1..65535, bounds that are not positive integers. */
export function validateAnalysisOptions(args: AnalyzeArgs): string[] {
  const problems: string[] = [];
  for (const [name, ports] of [['--port', args.port], ['--tls-port', args['tls-port']]] as const) {
    for (const p of ports ?? []) if (!Number.isInteger(p) || p < 1 || p > 65535) problems.push(`${name} ${p}: a TCP port is 1..65535`);
  }
  if (args.keylog !== undefined && !readable(args.keylog)) problems.push(`--keylog ${args.keylog}: cannot read this file`);
  for (const name of ['max-packet-bytes', 'max-connections', 'max-buffered-bytes', 'max-buffered-bytes-total', 'max-gzip-ratio'] as const) {
    const value = args[name];
    if (!Number.isInteger(value) || value < 1) problems.push(`--${name} ${value}: must be a positive integer`);
  }
  if (parseSize(String(args['memory-budget'])) === undefined) {
    problems.push(`--memory-budget ${args['memory-budget']}: a size of at least 1M, like 512M or 2G (K, M, G: 1024-based)`);
  }
  return problems;
}

/** "512M", "2G", "1.5G", "65536K", "1073741824" → bytes (1024-based); undefined when not a size of at least 1 MiB. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isFinite(bytes) && bytes >= 2 ** 20 && bytes <= Number.MAX_SAFE_INTEGER ? bytes : undefined;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** --keylog, else $SSLKEYLOGFILE when it names a readable file (as other tools read it). */
function keyLogOf(args: AnalyzeArgs): string | undefined {
  if (args.keylog !== undefined) return args.keylog;
  const fromEnv = process.env['SSLKEYLOGFILE'];
  return fromEnv !== undefined && fromEnv !== '' && readable(fromEnv) ? fromEnv : undefined;
}

export function analysisOptionsOf(args: AnalyzeArgs): AnalyzeOptions {
  const keyLog = keyLogOf(args);
  return {
    ...(keyLog !== undefined ? { keyLog } : {}),
    ports: args.port, tlsPorts: args['tls-port'].length > 0 ? args['tls-port'] : [8883], showSecrets: args['show-secrets'],
    maxPacketBytes: args['max-packet-bytes'], maxConnections: args['max-connections'],
    maxBufferedBytesPerStream: args['max-buffered-bytes'], maxBufferedBytesTotal: args['max-buffered-bytes-total'],
    maxGzipRatio: args['max-gzip-ratio'],
    ...(args['memory-budget'] !== undefined ? { memoryBudget: parseSize(String(args['memory-budget'])) ?? DEFAULT_MEMORY_BUDGET } : {}),
  };
}

/** yargs reads a lone "-" as an empty option ("analyze -" would get file ""): it goes through as this (no argument can hold NUL). */
export const DASH = '\0-';

