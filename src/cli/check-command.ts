/**
 * `mqtt-pcap check CAPTURE... --rules rules.yaml` (and/or one-line `--expect`, `--forbid`, `--latency`): reads the
 * rules (src/check), analyses each capture with the check as a sink, and writes the report (human or JSON, to
 * standard output or -o FILE), JUnit XML (--junit FILE) and GitHub annotations (when GITHUB_ACTIONS=true).
 * Exit codes: 0 every rule holds on every capture, 1 a rule failed, 2 a capture is unreadable or the rules are invalid,
 * 4 the report (or the JUnit file) could not be written.
 */
import type { Argv } from 'yargs';
import { CheckEvaluator, exitCodeOf, type CaptureVerdict } from '../check/evaluate.js';
import { loadRulesFile } from '../check/load.js';
import { parseOneLineRules } from '../check/one-line.js';
import { formatProblem, type Rule, type RuleProblem } from '../check/rules.js';
import { CaptureError } from '../capture/types.js';
import { DiagnosisStage } from '../diagnosis/stage.js';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline/analyze.js';
import { renderAnnotations } from '../views/check-annotations.js';
import { renderJunit } from '../views/check-junit.js';
import { renderCheckJson, renderCheckReport } from '../views/check-report.js';
import { escapeTerminal } from '../views/escape.js';
import { colourEnabled, makeStyle } from '../views/style.js';
import { expandCaptureArgs } from './capture-globs.js';
import { UsageError } from './options.js';
import { EXIT_WRITE_ERROR, OutputError, prepareOutput, type Output } from './output-file.js';

export interface CheckArgs {
  captures: string[];
  /** Rules files (YAML or JSON); --spec is a synonym. */
  rules: string[];
  expect: string[];
  forbid: string[];
  latency: string[];
  format: 'human' | 'json';
  junit: string | undefined;
  output: string | undefined;
  color: boolean | undefined;
}

/** Writes a whole text to an output prepared before the analysis (./output-file.ts: exclusive temporary file, renamed). */
async function writeAll(output: Output, text: string): Promise<void> {
  output.stream.write(text);
  await output.commit();
}

function readRules(args: CheckArgs): { rules: Rule[]; problems: RuleProblem[] } {
  const rules: Rule[] = [];
  const problems: RuleProblem[] = [];
  for (const file of args.rules) {
    const loaded = loadRulesFile(file);
    rules.push(...loaded.rules);
    problems.push(...loaded.problems);
  }
  const flags = parseOneLineRules({ expect: args.expect, forbid: args.forbid, latency: args.latency });
  rules.push(...flags.rules);
  problems.push(...flags.problems);
  if (problems.length === 0 && rules.length === 0) problems.push({ source: 'mqtt-pcap check', message: 'no rules: give --rules FILE, --expect, --forbid or --latency' });
  return { rules, problems };
}

async function judge(file: string, rules: Rule[], analyzeOptions: AnalyzeOptions): Promise<CaptureVerdict> {
  const started = process.hrtime.bigint();
  const evaluator = new CheckEvaluator(rules);
  try {
    // The diagnosis is a stage of the analysis, as `analyze` runs it (so it also gets what no event carries: IPv6
    // neighbour messages, dual-stack links); its findings (diag.*) are judged like any other event.
    const { summary } = await analyzeCapture(file, { ...analyzeOptions, stages: [new DiagnosisStage()], onEvent: (e) => evaluator.event(e) });
    evaluator.end(summary);
    return { file, results: evaluator.results(), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } catch (error) {
    if (!(error instanceof CaptureError)) throw error;
    return { file, results: [], error: error.message, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }
}

export async function runCheck(args: CheckArgs, analyzeOptions: AnalyzeOptions): Promise<number> {
  const { rules, problems } = readRules(args);
  if (problems.length > 0) {
    process.stderr.write(`mqtt-pcap: invalid rules:\n${problems.map((p) => `  ${escapeTerminal(formatProblem(p))}`).join('\n')}\n`);
    return 2;
  }
  // Bad targets are refused before any capture is analysed.
  const captures = expandCaptureArgs(args.captures);
  let reportFile: Output | undefined;
  let junitFile: Output | undefined;
  try {
    if (args.output !== undefined && args.output !== '-') reportFile = prepareOutput(args.output, { inputs: captures });
    if (args.junit !== undefined) junitFile = prepareOutput(args.junit, { inputs: captures });
  } catch (error) {
    reportFile?.abort();
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  const verdicts: CaptureVerdict[] = [];
  try {
    for (const file of captures) verdicts.push(await judge(file, rules, analyzeOptions));
  } catch (error) {
    reportFile?.abort();
    junitFile?.abort();
    throw error;
  }
  for (const v of verdicts) if (v.error !== undefined) process.stderr.write(`mqtt-pcap: ${escapeTerminal(v.error)}\n`);

  const toFile = reportFile !== undefined;
  const report = args.format === 'json' ? renderCheckJson(verdicts)
    : renderCheckReport(verdicts, makeStyle(toFile ? false : colourEnabled(process.stdout, args.color)));
  try {
    if (reportFile !== undefined) await writeAll(reportFile, report);
    else process.stdout.write(report);
    if (junitFile !== undefined) await writeAll(junitFile, renderJunit(verdicts));
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`mqtt-pcap: ${error.message}\n`);
    return EXIT_WRITE_ERROR;
  }
  if (process.env['GITHUB_ACTIONS'] === 'true') {
    // Workflow commands are read from either stream: keep a JSON report on standard output parseable.
    const annotations = renderAnnotations(verdicts);
    if (args.format === 'json' && !toFile) process.stderr.write(annotations);
    else process.stdout.write(annotations);
  }
  return exitCodeOf(verdicts);
}

/** The check command's own options (the analysis options are added by main.ts). */
export function withCheckOptions<T>(y: Argv<T>) {
  return y
    .positional('captures', { type: 'string', array: true, demandOption: true, describe: 'capture files or glob patterns ("-": standard input)' })
    .option('rules', { alias: ['spec', 's'], type: 'string', array: true, default: [] as string[], describe: 'rules file, YAML or JSON (docs/checks.md); --spec is a synonym' })
    .option('expect', { type: 'string', array: true, default: [] as string[], describe: "one-line rule: events that must appear, e.g. 'PUBLISH topic=sister/temp count>=3'" })
    .option('forbid', { type: 'string', array: true, default: [] as string[], describe: "one-line rule: events that must not appear, e.g. 'tcp.retransmission'" })
    .option('latency', { type: 'string', array: true, default: [] as string[], describe: "one-line latency bound, e.g. 'CONNECT->CONNACK<100ms'" })
    .option('format', { alias: 'f', choices: ['human', 'json'] as const, default: 'human' as const, describe: 'report format' })
    .option('json', { type: 'boolean', default: false, describe: 'same as --format json' })
    .option('junit', { type: 'string', describe: 'also write JUnit XML here (one testsuite per capture, one testcase per rule)' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file (atomically) instead of standard output' })
    .check((a) => {
      const given = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
      if (!given(a['rules']) && !given(a['expect']) && !given(a['forbid']) && !given(a['latency'])) {
        throw new UsageError('check needs rules: --rules FILE, --expect, --forbid or --latency');
      }
      return true;
    });
}

/** CheckArgs from the parsed command line ("\0-" is how main.ts passes a lone "-"). */
export function checkArgsOf(a: Record<string, unknown>, dash: string): CheckArgs {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  return {
    captures: list(a['captures']).map((c) => (c === dash ? '-' : c)),
    rules: list(a['rules']), expect: list(a['expect']), forbid: list(a['forbid']), latency: list(a['latency']),
    format: a['json'] === true ? 'json' : a['format'] === 'json' ? 'json' : 'human',
    junit: a['junit'] as string | undefined, output: a['output'] === dash ? '-' : a['output'] as string | undefined,
    color: a['color'] as boolean | undefined,
  };
}
