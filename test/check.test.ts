/**
 * The declarative CI check: the spec parser lists every problem; `mqtt-pcap check` passes the lab's own spec on the
 * lab capture (exit 0), fails a spec the capture does not meet (exit 1, naming the rule), and refuses an invalid spec
 * or an unreadable capture (exit 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseCheckSpec } from '../src/check/spec.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const lab = path.join(fixturesDir, 'reqresp.pcap');
const labSpec = path.join(fixturesDir, 'checks', 'lab.json');

function check(capture: string, spec: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', capture, '--spec', spec, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function specFile(doc: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-check-')), 'spec.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

test('parseCheckSpec lists every problem', () => {
  const { spec, problems } = parseCheckSpec({ expect: [{ match: {} }, { match: { type: 'PUBLISH' }, min: -1 }], latency: { x: { maxMs: 'a' } }, extra: 1 });
  assert.equal(spec, undefined);
  assert.deepEqual(problems.sort(), [
    'expect[0].match must be a non-empty object', 'expect[1].min must be a non-negative integer',
    'latency["x"].maxMs must be a non-negative number', 'unknown key "extra"',
  ].sort());
  assert.deepEqual(parseCheckSpec({}).problems, ['the spec checks nothing: give expect, forbid or latency']);
  const short = parseCheckSpec({ expect: [{ type: 'CONNACK', min: 2 }], latency: { 'CONNECT->CONNACK': { maxMs: 5 } } });
  assert.deepEqual(short.spec?.expect, [{ match: { type: 'CONNACK' }, min: 2 }]);
  assert.deepEqual(Object.keys(short.spec?.latency ?? {}), ['CONNECT→CONNACK']);
});

test('the lab spec passes on the lab capture', () => {
  const r = check(lab, labSpec);
  const report = JSON.parse(r.stdout) as { passed: boolean; results: Array<{ name: string; ok: boolean; frames: number[] }> };
  assert.equal(report.passed, true, JSON.stringify(report.results.filter((x) => !x.ok)));
  assert.equal(r.status, 0);
  const published = report.results.find((x) => x.name === 'expect readings published');
  assert.ok(published !== undefined && published.frames.length >= 5);
});

test('a spec the capture does not meet fails with exit 1 and names the rule', () => {
  const r = check(lab, specFile({
    expect: [{ name: 'a QoS 1 publish', match: { type: 'PUBLISH', qos: 1 } }],
    forbid: [{ name: 'no ARP', match: { layer: 'arp' } }],
    latency: { 'CONNECT->CONNACK': { maxMs: 0.001 } },
  }));
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout) as { passed: boolean; results: Array<{ name: string; ok: boolean }> };
  assert.deepEqual(report.results.map((x) => [x.name, x.ok]), [
    ['expect a QoS 1 publish', false], ['forbid no ARP', false], ['latency CONNECT→CONNACK', false],
  ]);
});

test('an invalid spec or an unreadable capture exits 2 with one message', () => {
  const bad = check(lab, specFile({ expect: 'nope' }));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid check spec .*\n {2}- expect must be an array/);
  const missing = check(path.join(repoRoot, 'no-such.pcap'), labSpec);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.equal(missing.stdout, '');
});
