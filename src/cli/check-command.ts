/**
 * `mqtt-pcap check <file> --spec spec.json`: runs the analysis and judges it against a declarative spec (src/check).
 * Exit codes: 0 every check passed, 1 a check failed, 2 the capture or the spec cannot be read or is invalid, 4 the
 * report could not be written.
 */
import { readFileSync } from 'node:fs';
import { CheckEvaluator } from '../check/evaluate.js';
import { parseCheckSpec } from '../check/spec.js';
import { CaptureError } from '../capture/types.js';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline/analyze.js';
import { renderCheckReport } from '../views/check-report.js';
import { colourEnabled, makeStyle } from '../views/style.js';
import { escapeTerminal, jsonStringify } from '../views/escape.js';
import { EXIT_WRITE_ERROR, OutputError, stdoutOutput } from './output-file.js';

export interface CheckArgs {
  file: string;
  spec: string;
  json: boolean;
  color: boolean | undefined;
}

export async function runCheck(args: CheckArgs, analyzeOptions: AnalyzeOptions): Promise<number> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(args.spec, 'utf8'));
  } catch (error) {
    process.stderr.write(`mqtt-pcap: cannot read check spec ${escapeTerminal(`${args.spec}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)}\n`);
    return 2;
  }
  const { spec, problems } = parseCheckSpec(doc);
  if (spec === undefined) {
    process.stderr.write(`mqtt-pcap: invalid check spec ${escapeTerminal(args.spec)}:\n${problems.map((p) => `  - ${escapeTerminal(p)}`).join('\n')}\n`);
    return 2;
  }
  const evaluator = new CheckEvaluator(spec);
  try {
    const { summary } = await analyzeCapture(args.file, { ...analyzeOptions, onEvent: (e) => evaluator.event(e) });
    const results = evaluator.results(summary);
    const output = stdoutOutput();
    if (args.json) process.stdout.write(`${jsonStringify({ file: args.file, passed: results.every((r) => r.ok), results }, 1)}\n`);
    else process.stdout.write(renderCheckReport(results, makeStyle(colourEnabled(process.stdout, args.color))));
    // The report is the point of a check: one that could not be written is exit code 4, not a pass or a fail.
    await output.commit();
    return results.every((r) => r.ok) ? 0 : 1;
  } catch (error) {
    if (error instanceof OutputError) {
      process.stderr.write(`mqtt-pcap: ${error.message}\n`);
      return EXIT_WRITE_ERROR;
    }
    if (error instanceof CaptureError) {
      process.stderr.write(`mqtt-pcap: ${escapeTerminal(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
