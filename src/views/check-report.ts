/**
 * Prints the results of a CI check: one row per rule with PASS/FAIL, what was found, what was required and the
 * frames concerned; then a closing line with the counts. Formatting only.
 */
import Table from 'cli-table3';
import type { CheckResult } from '../check/evaluate.js';
import { tableCell, tableStyle, type Style } from './style.js';

export function renderCheckReport(results: CheckResult[], style: Style): string {
  const table = new Table({
    head: ['Result', 'Check', 'Found', 'Required', 'Frames'],
    style: tableStyle(style),
    wordWrap: true, colWidths: [8, 52, 28, 28, 20],
  });
  for (const r of results) {
    table.push([r.ok ? style.paint('PASS', 'green') : style.paint('FAIL', 'red'), tableCell(r.name), tableCell(r.found), tableCell(r.required), r.frames.join(' ')]);
  }
  const failed = results.filter((r) => !r.ok).length;
  return `${table.toString()}\ncheck result for ${results.length} rule(s): ${results.length - failed} passed, ${failed} failed\n`;
}
