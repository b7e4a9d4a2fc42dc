/**
 * The result of `mqtt-pcap check` for people and for programs: per capture one line per rule, PASS or FAIL with what
 * was found against what was required, and under a failure its evidence (frame by frame); then one summary line.
 * Also the JSON document (--format json). Formatting only.
 */
import { totalsOf, type CaptureVerdict, type RuleResult } from '../check/evaluate.js';
import { escapeTerminal as clean, jsonStringify } from './escape.js';
import type { Style } from './style.js';

function ruleLines(r: RuleResult, style: Style): string[] {
  const verdict = r.ok ? style.paint('PASS', 'green') : style.paint('FAIL', 'red');
  const lines = [`  ${verdict}  ${clean(r.name)}: ${clean(r.found)} (required: ${r.required})`];
  if (!r.ok) {
    for (const e of r.evidence) lines.push(`          frame ${e.frame}: ${clean(e.what)}`);
    if (r.moreEvidence > 0) lines.push(`          … and ${r.moreEvidence} more`);
  }
  return lines;
}

/** One closing line: captures, rules passed and failed, unreadable captures. */
export function checkSummaryLine(verdicts: CaptureVerdict[]): string {
  const t = totalsOf(verdicts);
  const captures = `${t.captures} capture${t.captures === 1 ? '' : 's'}`;
  const unreadable = t.unreadable > 0 ? `; ${t.unreadable} unreadable` : '';
  const verdict = t.unreadable > 0 ? 'ERROR' : t.failed > 0 ? 'FAIL' : 'PASS';
  return `${verdict}: ${captures}, ${t.rules} rule result${t.rules === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed${unreadable}`;
}

export function renderCheckReport(verdicts: CaptureVerdict[], style: Style): string {
  const lines: string[] = [];
  for (const v of verdicts) {
    lines.push(style.paint(clean(v.file), 'bold'));
    if (v.error !== undefined) lines.push(`  ${style.paint('ERROR', 'red')} ${clean(v.error)}`);
    for (const r of v.results) lines.push(...ruleLines(r, style));
  }
  lines.push(checkSummaryLine(verdicts));
  return `${lines.join('\n')}\n`;
}

export function renderCheckJson(verdicts: CaptureVerdict[]): string {
  const totals = totalsOf(verdicts);
  return `${jsonStringify({
    passed: totals.failed === 0 && totals.unreadable === 0,
    totals,
    captures: verdicts.map((v) => ({ file: v.file, passed: v.error === undefined && v.results.every((r) => r.ok), ...(v.error !== undefined ? { error: v.error } : {}), seconds: v.seconds, results: v.results })),
  }, 1)}\n`;
}
