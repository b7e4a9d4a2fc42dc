#!/usr/bin/env node
/**
 * The mqtt-pcap command line: a thin yargs layer that declares the commands and their options and hands each to
 * its module (analyze-command.ts, check-command.ts). No analysis or output logic lives here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runAnalyze, ONLY_CHOICES } from './analyze-command.js';
import { runCheck, type CheckArgs } from './check-command.js';
import { escapeTerminal } from '../views/escape.js';
import { EXIT_WRITE_ERROR, OutputError, stdoutOutput } from './output-file.js';
import { analysisOptionsOf, DASH, FORMATS, packageVersion, UsageError, withAnalysisOptions, type AnalyzeArgs, type Format } from './options.js';

export async function main(argv: string[]): Promise<number> {
  // Standard output's write errors are kept from the start: help, version and reports alike must reach it.
  const stdout = stdoutOutput();
  const code = await run(argv);
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

async function run(argv: string[]): Promise<number> {
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
    .exitProcess(false)
    .fail((message, error) => {
      if (error !== undefined && error !== null && !(error instanceof UsageError)) throw error;
      // Throwing stops yargs here: the command must not run after a usage error.
      throw new UsageError(message ?? error?.message ?? 'bad usage');
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mqtt-pcap: ${escapeTerminal(error.message)}\nRun "mqtt-pcap --help" for usage.\n`);
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
    process.stderr.write(`mqtt-pcap: ${escapeTerminal(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 3;
  });
}
