/**
 * What `mqtt-pcap check` hands a CI pipeline: several captures and globs judged in one run with one summary line;
 * exit 0 / 1 / 2; the human report with evidence; --format json (and --json); -o FILE; JUnit XML that validates
 * against the common JUnit XSD (test/junit.xsd, checked with xmllint), one testsuite per capture and one testcase
 * per rule; GitHub annotations when GITHUB_ACTIONS=true. Real captures: the lab fixture and the lab's fault captures.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { expandCaptureArgs } from '../src/cli/capture-globs.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const labRules = path.join(repoRoot, 'docs', 'examples', 'lab-rules.yaml');
const xsd = path.join(repoRoot, 'test', 'junit.xsd');
const lab = path.join(fixturesDir, 'reqresp.pcap');
const typo = 'fixtures/faults/fault-topic-typo.pcap';

function check(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temp = (): string => mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-check-out-'));

function xmllint(file: string): { status: number | null; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`xmllint is needed (Debian: libxml2-utils): ${r.error.message}`);
  return { status: r.status, stderr: r.stderr };
}

test('several captures and a glob: each judged, one summary line, exit 0 when all hold', () => {
  const r = check(['fixtures/reqresp.pcap', 'fixtures/reqresp-ns.pcap*', '--rules', labRules]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const headers = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith(' '));
  assert.deepEqual(headers, ['fixtures/reqresp.pcap', 'fixtures/reqresp-ns.pcap', 'fixtures/reqresp-ns.pcapng', 'PASS: 3 captures, 45 rule results: 45 passed, 0 failed']);
});

test('a failing rule: exit 1, FAIL with its evidence frame by frame', () => {
  const r = check([lab, typo, '--forbid', 'tcp.retransmission', '--expect', 'PUBLISH topic=sister/temp direction=server count>=3']);
  assert.equal(r.status, 1);
  const lines = r.stdout.split('\n');
  const at = lines.indexOf('  FAIL  forbid tcp.retransmission: 1 matching event (required: none)');
  assert.ok(at > 0, r.stdout);
  assert.equal(lines[at + 1], '          frame 35: [TCP Retransmission] FIN 48888 → 1883 (tcp.stream 0)');
  assert.ok(lines.includes('  FAIL  expect PUBLISH topic=sister/temp direction=server count>=3: 0 matching events (required: at least 3)'));
  assert.equal(lines.at(-2), 'FAIL: 2 captures, 4 rule results: 2 passed, 2 failed');
});

test('an unreadable capture among readable ones: the others are judged, exit 2, one line on stderr', () => {
  const r = check([lab, 'fixtures/no-such.pcap', '--rules', labRules]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'mqtt-pcap: fixtures/no-such.pcap: no such file\n');
  assert.match(r.stdout, /^fixtures\/no-such\.pcap\n {2}ERROR fixtures\/no-such\.pcap: no such file$/m);
  assert.match(r.stdout, /ERROR: 2 captures, 15 rule results: 15 passed, 0 failed; 1 unreadable\n$/);
  const none = check(['fixtures/nothing-*.pcap', '--rules', labRules]);
  assert.equal(none.status, 2, 'a glob matching nothing is an unreadable capture');
});

test('--format json (and --json) and -o FILE', () => {
  const dir = temp();
  const out = path.join(dir, 'report.json');
  const r = check([lab, typo, '--rules', labRules, '--format', 'json', '-o', out]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    passed: boolean; totals: { captures: number; failed: number };
    captures: Array<{ file: string; passed: boolean; results: Array<{ name: string; ok: boolean; category: string; evidence: Array<{ frame: number; what: string }>; place?: { line: number } }> }>;
  };
  assert.equal(report.passed, false);
  assert.deepEqual(report.captures.map((c) => [c.file, c.passed]), [[lab, true], [typo, false]]);
  const order = report.captures[1]!.results.find((x) => x.category === 'order')!;
  assert.equal(order.ok, false);
  assert.deepEqual(order.evidence.map((e) => e.frame), [22]);
  assert.equal(order.place?.line, 30);
  const legacy = check([lab, '--spec', path.join(fixturesDir, 'checks', 'lab.json'), '--json']);
  assert.equal(legacy.status, 0);
  assert.equal((JSON.parse(legacy.stdout) as { passed: boolean }).passed, true);
});

test('--junit: valid against the common JUnit XSD, one testsuite per capture, one testcase per rule, evidence in failures', () => {
  const dir = temp();
  const junit = path.join(dir, 'check.xml');
  const r = check([lab, typo, 'fixtures/no-such.pcap', '--rules', labRules, '--junit', junit]);
  assert.equal(r.status, 2);
  assert.deepEqual(xmllint(junit), { status: 0, stderr: `${junit} validates\n` });
  const xml = readFileSync(junit, 'utf8');
  assert.equal(xml.match(/<testsuite /g)?.length, 3);
  assert.equal(xml.match(/<testcase /g)?.length, 15 + 15 + 1);
  assert.match(xml, /<testsuite name="fixtures\/faults\/fault-topic-typo\.pcap" package="mqtt-pcap\.check" id="1" [^>]*tests="15" failures="3" errors="0"/);
  assert.match(xml, /<failure message="no SUBSCRIBE topic=sister\/temp, first PUBLISH topic=sister\/temp in frame 22 \(required: [^"]*\)" type="order">found: [^<]*\nframe 22: then: PUBLISH /);
  assert.match(xml, /<error message="fixtures\/no-such\.pcap: no such file" type="unreadable">/);
  // The schema does reject what is not JUnit: without its hostname, a testsuite is invalid.
  const broken = path.join(dir, 'broken.xml');
  writeFileSync(broken, xml.replace(/ hostname="[^"]*"/, ''));
  assert.equal(xmllint(broken).status, 3);
});

test('GITHUB_ACTIONS=true: one ::error annotation per failed rule, on the rule\'s line of the rules file', () => {
  const r = check([typo, '--rules', labRules], { GITHUB_ACTIONS: 'true' });
  assert.equal(r.status, 1);
  const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
  assert.equal(annotations.length, 3);
  const order = annotations.find((a) => a.includes('SUBSCRIBE to sister/temp before'))!;
  assert.equal(order.slice(0, order.indexOf('::', 2)),
    `::error file=${labRules.replace(/:/g, '%3A')},line=30,col=5,title=${typo}%3A SUBSCRIBE to sister/temp before the first PUBLISH on it`);
  assert.match(order, /::.*%0Aframe 22: then: PUBLISH /);
  const json = check([typo, '--rules', labRules, '--format', 'json'], { GITHUB_ACTIONS: 'true' });
  assert.doesNotThrow(() => JSON.parse(json.stdout), 'annotations stay off a JSON report on standard output');
  assert.equal(json.stderr.split('\n').filter((l) => l.startsWith('::error ')).length, 3);
  assert.equal(check([lab, '--rules', labRules]).stdout.includes('::error'), false);
});

test('globs: *, ?, [..] and ** are expanded and sorted; an argument without wildcards is kept as given', () => {
  const cwd = process.cwd();
  process.chdir(repoRoot);
  try {
    assert.deepEqual(expandCaptureArgs(['fixtures/**/fault-[bk]*.pcap', 'fixtures/reqresp-n?.pcap', '-', 'missing.pcap']), [
      'fixtures/faults/fault-bad-password.pcap', 'fixtures/faults/fault-broker-hung.pcap', 'fixtures/faults/fault-broker-restart.pcap',
      'fixtures/faults/fault-broker-stopped.pcap', 'fixtures/faults/fault-broker-vanished.pcap',
      'fixtures/faults/fault-keepalive-link-down.pcap', 'fixtures/faults/fault-keepalive-mqtt5.pcap', 'fixtures/faults/fault-keepalive-will.pcap',
      'fixtures/faults/fault-keepalive.pcap',
      'fixtures/reqresp-ns.pcap', '-', 'missing.pcap',
    ]);
    assert.deepEqual(expandCaptureArgs(['fixtures/*.nothing']), ['fixtures/*.nothing']);
  } finally {
    process.chdir(cwd);
  }
});
