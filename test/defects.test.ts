/**
 * The defects issue #8 lists, each on a real capture and against tshark where it has a say: frames counted as tshark
 * counts them (a pcapng statistics block is not a frame), and event times at the capture's exact resolution.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { corpusDir, fixturesDir, repoRoot } from './helpers/corpus.js';
import { tsharkMissing } from './helpers/tshark.js';

const VERIMQTT = path.join(corpusDir, 'verimqtt', 'mqtt.pcapng');

function tsharkTimes(file: string): string[] {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_relative'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n');
}

test('a pcapng Interface Statistics Block is not a frame: verimqtt counts 48 frames, as tshark', { skip: tsharkMissing }, async (t) => {
  const { existsSync } = await import('node:fs');
  if (!existsSync(VERIMQTT)) {
    t.skip('corpus verimqtt/mqtt.pcapng not present');
    return;
  }
  const { summary } = await analyzeCapture(VERIMQTT);
  assert.equal(summary.frames.read, tsharkTimes(VERIMQTT).length);
  assert.equal(summary.frames.read, 48);
  assert.deepEqual(summary.frames.skipped, {});
  assert.deepEqual(summary.frames.otherBlocks, { 'other-block': 1 });
});

test('NDJSON times are printed at the capture\'s resolution (µs, ns) and equal tshark\'s frame.time_relative', { skip: tsharkMissing }, () => {
  for (const [name, decimals] of [['reqresp.pcap', 6], ['reqresp-ns.pcapng', 9], ['lifecycle.pcap', 6]] as const) {
    const file = path.join(fixturesDir, name);
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'analyze', file, '-f', 'ndjson'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const theirs = tsharkTimes(file).map(Number);
    for (const line of r.stdout.trim().split('\n')) {
      const literal = /"time":([0-9.e-]+)/.exec(line)![1]!;
      const fraction = literal.split('.')[1] ?? '';
      assert.ok(fraction.length <= decimals && !literal.includes('e'), `${name}: time ${literal} in ${line.slice(0, 80)}`);
      // A packet's time is its frame's (a diagnosis may date its finding otherwise).
      if (!line.startsWith('{"kind":"packet"')) continue;
      const frame = Number(/"frame":(\d+)/.exec(line)![1]);
      assert.equal(Number(literal), theirs[frame - 1], `${name} frame ${frame}`);
    }
  }
});
