/**
 * Every output of `mqtt-pcap analyze` (table, summary, json, ndjson) on every fixture and corpus capture is
 * byte-identical to the recorded one (sha256 + exit status in test/golden/outputs.json). It guards refactors and speed
 * work: an output may change only deliberately, by re-recording with `MQTT_PCAP_UPDATE_GOLDEN=1` and saying why in the
 * commit. Corpus captures are analysed from the corpus folder, so that the file name in the JSON output does not depend
 * on where the checkout is. Captures with a key log next to them (x.keys beside x.pcap) are analysed with it. The corpus part is skipped,
 * with the skip line, when the public corpus is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { corpusCaptures, corpusDir, corpusMissing, fixtureCaptures, repoRoot, type CaptureCase } from './helpers/corpus.js';

const GOLDEN = path.join(repoRoot, 'test', 'golden', 'outputs.json');
const CLI = path.join(repoRoot, 'dist', 'src', 'mqtt-pcap', 'mqtt-pcap.mjs');
const FORMATS = ['table', 'summary', 'json', 'ndjson'] as const;
const update = process.env.MQTT_PCAP_UPDATE_GOLDEN === '1';

type Golden = Record<string, string>;

function run(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.COLUMNS;
    delete env.SSLKEYLOGFILE;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    const hash = createHash('sha256');
    child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve(`${code ?? 'signal'} ${hash.digest('hex')}`));
  });
}

/** The folder a capture is analysed from: the JSON output names the file as given, relative to it. */
function folderOf(c: CaptureCase): string {
  return c.name.startsWith('corpus/') ? corpusDir : repoRoot;
}

function argsOf(c: CaptureCase, format: string): string[] {
  const args = ['analyze', path.relative(folderOf(c), c.file), '--format', format];
  for (const port of c.ports) args.push('--port', String(port));
  const keys = c.file.replace(/\.(pcapng|pcap)(\.gz)?$/, '.keys');
  if (keys !== c.file && existsSync(keys)) args.push('--keylog', path.relative(folderOf(c), keys));
  return args;
}

async function outputsOf(cases: CaptureCase[]): Promise<Golden> {
  const out: Golden = {};
  const jobs: Array<() => Promise<void>> = [];
  for (const c of cases) {
    for (const format of FORMATS) jobs.push(async () => { out[`${c.name} ${format}`] = await run(argsOf(c, format), folderOf(c)); });
  }
  const workers = Array.from({ length: 2 }, async () => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) await job();
  });
  await Promise.all(workers);
  return out;
}

function recorded(): Golden {
  return existsSync(GOLDEN) ? (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden) : {};
}

function compare(actual: Golden, expected: Golden): void {
  const changed = Object.keys(actual).sort().filter((key) => actual[key] !== expected[key]);
  assert.deepEqual(changed, [], `outputs changed (exit status and sha256 differ from test/golden/outputs.json): ${changed.join(', ')}; `
    + 're-record with MQTT_PCAP_UPDATE_GOLDEN=1 only for a deliberate change');
}

test('outputs identical to the recorded ones: fixtures', { timeout: 600_000 }, async () => {
  const actual = await outputsOf(fixtureCaptures());
  if (update) {
    writeFileSync(GOLDEN, `${JSON.stringify(sortKeys({ ...recorded(), ...actual }), null, 1)}\n`);
    return;
  }
  compare(actual, recorded());
});

test('outputs identical to the recorded ones: public corpus', { skip: corpusMissing ?? false, timeout: 600_000 }, async () => {
  const actual = await outputsOf(corpusCaptures());
  if (update) {
    writeFileSync(GOLDEN, `${JSON.stringify(sortKeys({ ...recorded(), ...actual }), null, 1)}\n`);
    return;
  }
  compare(actual, recorded());
});

function sortKeys(o: Golden): Golden {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
