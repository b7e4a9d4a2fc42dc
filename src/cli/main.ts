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
import { checkArgsOf, runCheck, withCheckOptions } from './check-command.js';
import { runWatchCommand, watchOptions, type WatchArgs } from './watch-command.js';
import { escapeTerminal } from '../views/escape.js';
import { REPORT_FORMATS, runReport, type ReportArgs } from './report-command.js';
import { analysisOptionsOf, DASH, FORMATS, packageVersion, UsageError, withAnalysisOptions, type AnalyzeArgs, type Format } from './options.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv.map((a) => (a === '-' ? DASH : a)))
    .scriptName('mqtt-pcap')
    .usage('$0 [analyze] <file> [options]\n$0 check <capture...> --rules rules.yaml\n$0 report <file> [-o report.md|report.html] [--lang en|id]\n$0 watch [-i IFACE | <file> | -]\n\nExplains the MQTT traffic in a packet capture (pcap, pcapng, gzip; "-" reads standard input).')
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
    .command('check <captures..>', 'judge captures against rules (for CI): exit 0 all hold, 1 a rule failed, 2 unreadable capture or invalid rules',
      (y) => withAnalysisOptions(withCheckOptions(y)),
      async (args) => {
        exitCode = await runCheck(checkArgsOf(args as unknown as Record<string, unknown>, DASH), analysisOptionsOf(args as unknown as AnalyzeArgs));
      })
    .command('report <file>', 'write the lab report: the story of the capture with pictures (Markdown or HTML, English or Bahasa Indonesia)', (y) => withAnalysisOptions(y
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for standard input' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report here (atomically); a .md report gets NAME.flow.svg and NAME.rate.svg next to it' })
      .option('format', { alias: 'f', choices: REPORT_FORMATS, describe: 'md or html (default: from the -o extension, else md)' })
      .option('lang', { choices: ['en', 'id'] as const, default: 'en' as const, describe: 'language (id: Bahasa Indonesia)' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of errors' })),
    async (args) => {
      const a = args as unknown as Omit<AnalyzeArgs, 'format'> & ReportArgs;
      exitCode = await runReport({ file: a.file === DASH ? '-' : a.file, output: a.output === DASH ? '-' : a.output, lang: a.lang, format: a.format, debug: a.debug }, analysisOptionsOf(args as unknown as AnalyzeArgs));
    })
    .command('watch [file]', 'live view of MQTT traffic: rates per topic and client, latency, findings (-i IFACE, a file, or -)',
      (y) => watchOptions(y), async (args) => {
        const a = args as unknown as WatchArgs;
        exitCode = await runWatchCommand({ ...a, file: a.file === DASH ? '-' : a.file });
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
