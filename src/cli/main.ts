#!/usr/bin/env node
/**
 * The mqtt-pcap command line: a thin yargs layer that declares the commands and their options and hands each to
 * its module (analyze-command.ts, check-command.ts). No analysis or output logic lives here. Modules are loaded when
 * a command needs them: `--version` reads package.json and nothing else; yargs and the analysis load after it, and
 * the common `analyze` command lines (./fast-args.ts) do not load yargs at all. The package's bin
 * (build/bin.mjs) runs those command lines from a one-file bundle without yargs (./quick-entry.ts) and the rest from
 * this module's bundle, both through runAsCommand().
 */
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unknownCommandMessage } from './command-guess.js';
import { packageVersion } from './version.js';
import { escapeTerminal } from '../views/escape.js';
import { EXIT_WRITE_ERROR, OutputError, stdoutOutput } from './output-file.js';

// Node >= 22.1 keeps V8's compiled code of the modules loaded after this line on disk (nothing on older Nodes).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

export const COMMANDS = ['analyze', 'check', 'report', 'watch', 'completion'];

/** `mqtt-pcap --version` (or -V) alone: answered from package.json, nothing else loaded. */
export function isVersionRequest(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
}

/** True when yargs printed help or the version for this command line instead of running a command. */
function helpShown(args: Record<string, unknown>): boolean {
  return args['help'] === true || args['version'] === true;
}

function usageError(message: string): number {
  // yargs' messages span lines ("Invalid values:\n  Argument: ..."): their line breaks are kept, every other control escaped.
  process.stderr.write(`mqtt-pcap: ${escapeTerminal(message, true)}\nRun "mqtt-pcap --help" for usage.\n`);
  return 1;
}

type RunAnalyze = (args: import('./options.js').AnalyzeArgs) => Promise<number>;

/** True when this module is the process's command (not imported): only then may it run itself again (heap-flags.ts). */
let processEntry = false;

async function runAnalyzeCommand(args: import('./options.js').AnalyzeArgs): Promise<number> {
  const heap = await import('./heap-flags.js');
  if (processEntry && heap.wantsHeapFlags(args.file)) return heap.runWithHeapFlags();
  const { runAnalyze } = await import('./analyze-command.js');
  return runAnalyze(args);
}

export async function main(argv: string[]): Promise<number> {
  // Standard output's write errors are kept from the start: help, version and reports alike must reach it (exit 4).
  const stdout = stdoutOutput();
  const code = await run(argv, runAnalyzeCommand, true);
  if (code === EXIT_WRITE_ERROR) return code;
  try {
    await stdout.commit();
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  return code;
}

/**
 * The arguments yargs hands the analyze command for this command line, without running it (undefined when yargs
 * runs no analyze: another command, help, a usage error). For test/cli-fast-args.test.ts: the fast reader must
 * agree with it.
 */
export async function yargsAnalyzeArgs(argv: string[]): Promise<import('./options.js').AnalyzeArgs | undefined> {
  let seen: import('./options.js').AnalyzeArgs | undefined;
  await run(argv, async (args) => {
    seen = args;
    return 0;
  }, false);
  return seen;
}

async function run(argv: string[], analyze: RunAnalyze, fast: boolean): Promise<number> {
  if (isVersionRequest(argv)) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const unknown = unknownCommandMessage(argv, COMMANDS);
  if (unknown !== undefined) return usageError(unknown);
  if (fast) {
    const { fastAnalyzeArgs } = await import('./fast-args.js');
    const args = fastAnalyzeArgs(argv);
    if (args !== undefined) return analyze(args);
  }
  // `mqtt-pcap completion bash|zsh`: yargs picks the script by $SHELL; the argument decides instead.
  if (argv[0] === 'completion' && (argv[1] === 'bash' || argv[1] === 'zsh')) {
    if (argv[1] === 'zsh') process.env.SHELL = '/bin/zsh';
    else {
      process.env.SHELL = '/bin/bash';
      delete process.env.ZSH_NAME;
    }
    argv = ['completion'];
  }

  // check and report declare their options in their own modules: loaded only when the command line may need them.
  const all = argv[0] === 'completion'
    || argv.some((a) => a === '--help' || a === '-h' || a === '--get-yargs-completions');
  const [{ default: yargs }, options, check, report, watch] = await Promise.all([
    import('yargs'), import('./options.js'),
    all || argv[0] === 'check' ? import('./check-command.js') : undefined,
    all || argv[0] === 'report' ? import('./report-command.js') : undefined,
    all || argv[0] === 'watch' ? import('./watch-command.js') : undefined,
  ]);
  const { DASH, FORMATS, ONLY_CHOICES, UsageError, analysisOptionsOf, formatProblems, withAnalysisOptions } = options;
  type AnalyzeArgs = import('./options.js').AnalyzeArgs;
  type Format = import('./options.js').Format;
  type ReportArgs = import('./report-command.js').ReportArgs;
  let exitCode = 0;
  /** Options (and their aliases, in both spellings) that take several values. */
  const LIST_OPTIONS = new Set(['_', 'only', 'port', 'p', 'tls-port', 'tlsPort', 'captures', 'rules', 'spec', 's', 'expect', 'forbid', 'latency']);
  const parser = yargs(argv.map((a) => (a === '-' ? DASH : a)))
    // An option given twice takes its last value, as most command lines do (`--lang id --lang en` is English; it
    // was an array the commands could not use); list options (--only, --port, --rules...) still gather every value.
    .middleware((args) => {
      for (const [key, value] of Object.entries(args)) {
        if (Array.isArray(value) && value.length > 0 && !LIST_OPTIONS.has(key)) args[key] = value[value.length - 1];
      }
    }, true)
    .scriptName('mqtt-pcap')
    .usage('$0 [analyze] <file> [options]\n$0 check <capture...> --rules rules.yaml\n$0 report <file> [-o report.md|report.html] [--lang en|id]\n$0 watch [-i IFACE | <file> | -]\n$0 completion [bash|zsh]\n\nExplains the MQTT traffic in a packet capture (pcap, pcapng, gzip; "-" reads standard input).')
    .command(['analyze <file>', '$0 <file>'], 'show the timeline of a capture and its summary', (y) => withAnalysisOptions(y
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for standard input' })
      .option('format', { alias: 'f', choices: FORMATS, default: 'table' as Format, describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file (atomically) instead of standard output' })
      .option('lang', { choices: ['en', 'id'] as const, describe: 'language of the Markdown report (id: Bahasa Indonesia; default en)' })
      .option('only', {
        type: 'string', array: true, choices: ONLY_CHOICES, default: [] as string[],
        // `--only mqtt,finding` as well as `--only mqtt finding` (checked against the choices after the split).
        coerce: (layers: string[]) => layers.flatMap((layer) => layer.split(',')).filter((layer) => layer !== ''),
        describe: 'show only these layers in the timeline, e.g. --only mqtt,finding (the summary always covers everything); "finding" for findings',
      })
      .option('stats', { type: 'boolean', default: false, describe: 'print the run\'s own figures (time, frames/s, peak memory) on stderr' })
      .option('progress', { type: 'boolean', describe: 'progress line on stderr (default: when stderr is a terminal and CI is not set)' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' })
      .check((args) => {
        if (helpShown(args)) return true;
        const problems = formatProblems(args as unknown as AnalyzeArgs);
        if (problems.length > 0) throw new UsageError(problems.join('; '));
        return true;
      })),
    async (args) => {
      if (helpShown(args)) return;
      const a = args as unknown as AnalyzeArgs;
      exitCode = await analyze({ ...a, file: a.file === DASH ? '-' : a.file, output: a.output === DASH ? '-' : a.output });
    })
    .command('check <captures..>', 'judge captures against rules (for CI): exit 0 all hold, 1 a rule failed, 2 unreadable capture or invalid rules',
      (y) => (check !== undefined ? withAnalysisOptions(check.withCheckOptions(y)) : y),
      async (args) => {
      if (helpShown(args)) return;
        exitCode = await check!.runCheck(check!.checkArgsOf(args as unknown as Record<string, unknown>, DASH), analysisOptionsOf(args as unknown as AnalyzeArgs));
      })
    .command('report <file>', 'write the lab report: the story of the capture with pictures (Markdown or HTML, English or Bahasa Indonesia)', (y) => (report === undefined ? y : withAnalysisOptions(y
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for standard input' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report here (atomically); a .md report gets NAME.flow.svg and NAME.rate.svg next to it' })
      .option('format', { alias: 'f', choices: report.REPORT_FORMATS, describe: 'md or html (default: from the -o extension, else md)' })
      .option('lang', { choices: ['en', 'id'] as const, default: 'en' as const, describe: 'language (id: Bahasa Indonesia)' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' }))),
    async (args) => {
      if (helpShown(args)) return;
      const a = args as unknown as Omit<AnalyzeArgs, 'format'> & ReportArgs;
      exitCode = await report!.runReport({ file: a.file === DASH ? '-' : a.file, output: a.output === DASH ? '-' : a.output, lang: a.lang, format: a.format, debug: a.debug }, analysisOptionsOf(args as unknown as AnalyzeArgs));
    })
    .command('watch [file]', 'live view of MQTT traffic: rates per topic and client, latency, findings (-i IFACE, a file, or -)',
      (y) => (watch !== undefined ? watch.watchOptions(y) : y), async (args) => {
      if (helpShown(args)) return;
        const a = args as unknown as import('./watch-command.js').WatchArgs;
        exitCode = await watch!.runWatchCommand({ ...a, file: a.file === DASH ? '-' : a.file });
      })
    .completion('completion', 'print a shell completion script: mqtt-pcap completion bash >> ~/.bashrc (or zsh >> ~/.zshrc)')
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .alias('V', 'version')
    .strict()
    // yargs must not end the process after --help/--version: their output's write errors are checked (exit 4).
    // Otherwise it keeps its usual behaviour (usage errors, completion).
    .exitProcess(!argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V'))
    .fail((message, error) => {
      if (error !== undefined && error !== null && !(error instanceof UsageError)) throw error;
      // Throwing stops yargs here: the command must not run after a usage error.
      throw new UsageError(message ?? error?.message ?? 'bad usage');
    });
  // yargs does not exit after printing help, a version or the completion script (exitProcess(false), so that
  // standard output is committed first): the commands must not run then (see helpShown).
  if (argv[0] === 'completion' && argv.length === 1) {
    parser.showCompletionScript();
    return 0;
  }
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error.message);
  }
  return exitCode;
}

/**
 * Runs the command line of this process (process.argv) as the mqtt-pcap command: the only caller allowed to start
 * a child Node (heap-flags.ts). Sets the exit code; a broken pipe on standard output ends the process quietly.
 */
export function runAsCommand(): void {
  processEntry = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`mqtt-pcap: ${escapeTerminal(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 3;
  });
}

// `node dist/src/cli/main.js ...` (the unbundled build, used by the tests) runs itself; the bundles are run by the bin.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runAsCommand();
