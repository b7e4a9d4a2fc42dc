/**
 * The result of `mqtt-pcap check` as JUnit XML (the Apache Ant format CI servers read; test/junit.xsd): one
 * testsuite per capture, one testcase per rule, a failure's text its evidence; an unreadable capture is one
 * testcase in error. Formatting only.
 */
import { hostname } from 'node:os';
import type { CaptureVerdict, RuleResult } from '../check/evaluate.js';

// XML 1.0 cannot carry most C0 controls even escaped.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xml(text: string): string {
  return text.replace(NOT_XML, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** xs:token: no leading, trailing or doubled blanks, no line breaks. */
function token(text: string): string {
  return xml(text.replace(/\s+/g, ' ').trim()) || '-';
}

function testcase(r: RuleResult, suite: string): string {
  const head = `    <testcase name="${token(r.name)}" classname="${token(`${suite}.${r.category}`)}" time="0"`;
  if (r.ok) return `${head}/>`;
  const evidence = [...r.evidence.map((e) => `frame ${e.frame}: ${e.what}`), ...(r.moreEvidence > 0 ? [`… and ${r.moreEvidence} more`] : [])];
  const text = [`found: ${r.found}`, `required: ${r.required}`, ...evidence].join('\n');
  return `${head}>\n      <failure message="${xml(`${r.found} (required: ${r.required})`)}" type="${token(r.kind)}">${xml(text)}</failure>\n    </testcase>`;
}

export function renderJunit(verdicts: CaptureVerdict[], now: Date = new Date()): string {
  const timestamp = now.toISOString().slice(0, 19);
  const host = token(hostname() || 'localhost');
  const suites = verdicts.map((v, id) => {
    const name = token(v.file);
    const cases = v.error !== undefined
      ? [`    <testcase name="read the capture" classname="${name}" time="0">\n      <error message="${xml(v.error)}" type="unreadable">${xml(v.error)}</error>\n    </testcase>`]
      : v.results.map((r) => testcase(r, 'mqtt-pcap.check'));
    const tests = v.error !== undefined ? 1 : v.results.length;
    const failures = v.results.filter((r) => !r.ok).length;
    return `  <testsuite name="${name}" package="mqtt-pcap.check" id="${id}" timestamp="${timestamp}" hostname="${host}" tests="${tests}" failures="${failures}" errors="${v.error !== undefined ? 1 : 0}" skipped="0" time="${v.seconds.toFixed(3)}">\n`
      + '    <properties/>\n'
      + `${cases.join('\n')}${cases.length > 0 ? '\n' : ''}`
      + '    <system-out/>\n    <system-err/>\n  </testsuite>';
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}${suites.length > 0 ? '\n' : ''}</testsuites>\n`;
}
