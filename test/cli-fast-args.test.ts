/**
 * The fast reader of the common `analyze` command lines (src/cli/fast-args.ts, which spares the usual run loading
 * yargs) hands the analyze command exactly the arguments yargs would, and leaves every other command line to yargs.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fastAnalyzeArgs } from '../src/cli/fast-args.js';
import { yargsAnalyzeArgs } from '../src/cli/main.js';
import { fixturesDir } from './helpers/corpus.js';

const LAB = path.join(fixturesDir, 'reqresp.pcap');

const FAST: string[][] = [
  [LAB],
  ['analyze', LAB],
  ['-'],
  ['analyze', '-', '--format', 'ndjson'],
  [LAB, '--format', 'summary'],
  ['analyze', LAB, '-f', 'json', '-o', 'out.json'],
  ['analyze', LAB, '--lang', 'id', '--format=markdown'],
  [LAB, '--stats', '--debug', '--no-progress', '--no-color'],
  ['analyze', '--progress', '--color', LAB, '--format', 'table', '--lang', 'en'],
  [LAB, '--show-secrets', '--output=-', '--format=ndjson'],
  ['analyze', LAB, '-o', '-'],
];

const LEFT_TO_YARGS: string[][] = [
  [LAB, '--only', 'mqtt'],
  [LAB, '--stats', 'true'],
  [LAB, '--port', '1884'],
  [LAB, '--format', 'summary', '--format', 'json'],
  [LAB, '--format', 'xml'],
  [LAB, '--format', 'json', '--lang', 'id'],
  [LAB, '--format', 'json', '--color'],
  [LAB, '--help'],
  ['analyze'],
  [LAB, LAB],
  ['check', LAB],
  [LAB, '--keylog', LAB],
  [LAB, '-o', '--stats'],
  ['analyze', '1883'],
];

test('the common analyze command lines get exactly the arguments yargs gives them', async () => {
  for (const argv of FAST) {
    const fast = fastAnalyzeArgs(argv);
    assert.ok(fast !== undefined, `read without yargs: ${argv.join(' ')}`);
    const viaYargs = await yargsAnalyzeArgs(argv);
    assert.ok(viaYargs !== undefined, `yargs runs analyze for: ${argv.join(' ')}`);
    const same = Object.fromEntries(Object.keys(fast).map((k) => [k, (viaYargs as unknown as Record<string, unknown>)[k]]));
    assert.deepEqual(fast, same, argv.join(' '));
  }
});

test('every other command line is left to yargs', () => {
  for (const argv of LEFT_TO_YARGS) assert.equal(fastAnalyzeArgs(argv), undefined, argv.join(' '));
});
