/**
 * The package's bin (build/bin.cjs → dist/src/mqtt-pcap/mqtt-pcap.cjs, also run by mqtt-pcap.mjs): the usual analyze
 * lines run from the quick bundle with V8's code cache, which V8 accepts on the Node that built it; every other line
 * runs from the full bundle; a missing or unusable cache (another Node, other V8 flags, damaged bytes) changes nothing
 * but the time.
 * Outputs are compared with the unbundled build (dist/src/cli/main.js). Start-up times are measured in bench/, not here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { answersQuickly } from '../src/cli/quick-entry.js';
import { fixturesDir, repoRoot } from './helpers/corpus.js';

const BIN = path.join(repoRoot, 'dist/src/mqtt-pcap/mqtt-pcap.cjs');
const BIN_MJS = path.join(repoRoot, 'dist/src/mqtt-pcap/mqtt-pcap.mjs');
const MAIN = path.join(repoRoot, 'dist/src/cli/main.js');
const LAB = path.join(fixturesDir, 'reqresp.pcap');

const run = (cli: string, args: string[], execArgv: string[] = []) =>
  spawnSync(process.execPath, [...execArgv, cli, ...args], { encoding: 'utf8', input: '', env: { ...process.env, NO_COLOR: '1' } });

test('the usual analyze lines are quick; help, the other commands and other options are not', () => {
  for (const args of [[LAB], ['analyze', LAB, '-f', 'summary'], ['-', '--format', 'ndjson'], ['--version'], ['analyse', 'x.pcap']]) {
    assert.equal(answersQuickly(args), true, args.join(' '));
  }
  for (const args of [['--help'], ['analyze', LAB, '--only', 'mqtt'], ['check', LAB, '--rules', 'r.yaml'], ['report', LAB], ['watch', '-'], ['completion', 'bash'], []]) {
    assert.equal(answersQuickly(args), false, args.join(' '));
  }
});

test('V8 accepts the code cache the build wrote, and the quick run prints what main.js prints', () => {
  const args = ['analyze', LAB, '--format', 'summary'];
  // The bin required by a child whose command line is the analyze line: its exports tell how the bundle compiled.
  const probe = `process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}];
    const bin = require(${JSON.stringify(BIN)});
    bin.runAsCommand();
    process.on('exit', () => process.stderr.write('rejected=' + bin.quickScript?.cachedDataRejected + '\\n'));`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, 'rejected=false\n');
  assert.equal(r.stdout, run(MAIN, args).stdout);
});

test('without a usable cache (damaged, other V8 flags) the bin prints the same; lines left to yargs too', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-bin-'));
  try {
    // The bundle folder as deep as in the package, next to its package.json.
    cpSync(path.join(repoRoot, 'dist/src/mqtt-pcap'), path.join(dir, 'dist/src/mqtt-pcap'), { recursive: true });
    cpSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, 'dist/src/mqtt-pcap/quick.cache'), 'not a code cache');
    const damaged = path.join(dir, 'dist/src/mqtt-pcap/mqtt-pcap.cjs');
    for (const args of [['--version'], ['-V'], ['analyze', LAB], [LAB, '-f', 'ndjson'], ['analyze', LAB, '--only', 'mqtt', '-f', 'summary'], ['analyse', 'x.pcap'], ['--help']]) {
      const expected = run(MAIN, args);
      for (const [cli, execArgv] of [[damaged, []], [BIN, ['--max-semi-space-size=8']], [BIN_MJS, []]] as const) {
        const r = run(cli, args, [...execArgv]);
        assert.equal(r.status, expected.status, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, expected.stdout, args.join(' '));
        assert.equal(r.stderr, expected.stderr, args.join(' '));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('package.json names the CommonJS bin', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(path.join(repoRoot, pkg.bin['mqtt-pcap']!), BIN);
});
