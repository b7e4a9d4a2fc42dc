/**
 * The docs stay true to the code: every finding code in the catalogue is documented with its severity, every code
 * the capture reader or decoders emit is in the catalogue, and every flag the CLI accepts is in the README.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FINDING_CODES } from '../src/model/findings.js';
import { repoRoot } from './helpers/corpus.js';

const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

test('docs/findings.md lists every finding code with its severity, and nothing else', () => {
  const doc = read('docs/findings.md');
  const documented = [...doc.matchAll(/^\| `([a-z0-9.-]+)` \| (\w+) \|/gm)].map((m) => [m[1]!, m[2]!] as const);
  assert.deepEqual(documented.map(([c]) => c).sort(), Object.keys(FINDING_CODES).sort());
  for (const [code, severity] of documented) assert.equal(severity, FINDING_CODES[code as keyof typeof FINDING_CODES].severity, code);
});

test('every code emitted by the reader and decoders is in the catalogue', () => {
  const sources = ['src/capture', 'src/decode', 'src/mqtt', 'src/reassembly']
    .flatMap((dir) => readdirSync(path.join(repoRoot, dir)).filter((f) => f.endsWith('.ts')).map((f) => read(path.join(dir, f))));
  const emitted = new Set(sources.flatMap((text) => [...text.matchAll(/'((?:capture|decode|tcp|mqtt)\.[a-z0-9-]+)'/g)].map((m) => m[1]!)));
  // Fatal CaptureError codes stop the run and are not findings.
  const fatal = new Set(['capture.not-found', 'capture.is-directory', 'capture.permission', 'capture.empty',
    'capture.not-a-capture', 'capture.truncated-header', 'capture.gzip', 'capture.read']);
  const missing = [...emitted].filter((code) => !fatal.has(code) && !(code in FINDING_CODES));
  assert.deepEqual(missing, []);
});

test('README mentions every CLI option', () => {
  const readme = read('README.md');
  const cli = read('src/cli/main.ts');
  const options = [...cli.matchAll(/\.option\('([a-z-]+)'/g)].map((m) => m[1]!);
  assert.ok(options.length > 5);
  for (const option of options) {
    if (option === 'format' || option === 'lang' || option === 'color') continue; // shown through examples
    assert.ok(readme.includes(`--${option}`), `README does not mention --${option}`);
  }
});
