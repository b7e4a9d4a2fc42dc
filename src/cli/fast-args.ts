/**
 * The common `analyze` command lines read without yargs: `[analyze] <file>` with the plain options (--format, -o,
 * --stats, --debug, --lang, --show-secrets, --[no-]color, --[no-]progress), so the usual run does not load and build
 * the yargs parser (a third of the start-up of a small capture). It returns exactly the arguments yargs would hand
 * the analyze command (test/cli-fast-args.test.ts compares the two), or undefined for anything else — other options,
 * repeated ones, help, a value yargs would read differently, a usage error — which then goes through yargs as before.
 * No validation messages and no defaults of its own beyond yargs' declared ones.
 */
import { DEFAULT_MAX_GZIP_RATIO } from '../capture/gunzip.js';
import { DEFAULT_LIMITS } from '../pipeline/analyze.js';
import { DEFAULT_MEMORY_BUDGET_OPTION, FORMATS, formatProblems, type AnalyzeArgs } from './options.js';

const COMMAND_NAMES = new Set(['analyze', 'check', 'report', 'watch', 'completion']);
const FLAGS: Record<string, readonly [name: 'stats' | 'debug' | 'show-secrets' | 'color' | 'progress', value: boolean]> = {
  '--stats': ['stats', true],
  '--debug': ['debug', true],
  '--show-secrets': ['show-secrets', true],
  '--color': ['color', true],
  '--no-color': ['color', false],
  '--progress': ['progress', true],
  '--no-progress': ['progress', false],
};
const VALUED: Record<string, 'format' | 'output' | 'lang'> = {
  '--format': 'format', '-f': 'format', '--output': 'output', '-o': 'output', '--lang': 'lang',
};

/** A word yargs might read as something else than a plain string (a number, a boolean, an option, a command). */
function plainWord(word: string): boolean {
  return word !== '' && !word.startsWith('-') && !COMMAND_NAMES.has(word) && word !== 'true' && word !== 'false'
    && Number.isNaN(Number(word)) && !word.includes('\0');
}

export function fastAnalyzeArgs(argv: readonly string[]): AnalyzeArgs | undefined {
  const words = argv[0] === 'analyze' ? argv.slice(1) : argv;
  let file: string | undefined;
  const flags: Partial<Record<'stats' | 'debug' | 'show-secrets' | 'color' | 'progress', boolean>> = {};
  const values: Partial<Record<'format' | 'output' | 'lang', string>> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-' || plainWord(word)) {
      if (file !== undefined) return undefined;
      file = word;
      continue;
    }
    const flag = FLAGS[word];
    if (flag !== undefined) {
      if (flags[flag[0]] !== undefined) return undefined;
      flags[flag[0]] = flag[1];
      continue;
    }
    const equals = word.startsWith('--') ? word.indexOf('=') : -1;
    const name = VALUED[equals > 0 ? word.slice(0, equals) : word];
    if (name === undefined || values[name] !== undefined) return undefined;
    const value = equals > 0 ? word.slice(equals + 1) : words[++i];
    if (value === undefined || !(value === '-' || plainWord(value))) return undefined;
    values[name] = value;
  }
  if (file === undefined) return undefined;
  const format = FORMATS.find((f) => f === (values.format ?? 'table'));
  if (format === undefined) return undefined;
  const lang = values.lang;
  if (lang !== undefined && lang !== 'en' && lang !== 'id') return undefined;
  const args: AnalyzeArgs = {
    file,
    format,
    port: [],
    'tls-port': [],
    keylog: undefined,
    'show-secrets': flags['show-secrets'] ?? false,
    output: values.output,
    color: flags.color,
    stats: flags.stats ?? false,
    only: [],
    progress: flags.progress,
    debug: flags.debug ?? false,
    lang,
    'max-packet-bytes': DEFAULT_LIMITS.maxPacketBytes,
    'max-connections': DEFAULT_LIMITS.maxConnections,
    'max-buffered-bytes': DEFAULT_LIMITS.maxBufferedBytesPerStream,
    'max-buffered-bytes-total': DEFAULT_LIMITS.maxBufferedBytesTotal,
    'max-gzip-ratio': DEFAULT_MAX_GZIP_RATIO,
    'memory-budget': DEFAULT_MEMORY_BUDGET_OPTION,
  };
  return formatProblems(args).length === 0 ? args : undefined;
}
