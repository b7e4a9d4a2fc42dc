/**
 * docs/diagnoses.md stays true to the code: it documents every diagnosis code of the catalogue (severity, how it is
 * detected, an example in English and in Bahasa Indonesia) and nothing else, and its table of every fixture and
 * corpus capture lists exactly the diagnoses `analyze` makes on each.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FINDING_CODES } from '../src/model/findings.js';
import { DIAGNOSIS_CODES } from '../src/diagnosis/types.js';
import { corpusCaptures, corpusDir, corpusMissing, fixtureCaptures, fixturesDir, repoRoot } from './helpers/corpus.js';
import { diagnose } from './helpers/diagnose.js';

const doc = readFileSync(path.join(repoRoot, 'docs/diagnoses.md'), 'utf8');

test('docs/diagnoses.md documents every diagnosis code with its severity, detection and examples in both languages', () => {
  const headings = [...doc.matchAll(/^### `(diag\.[a-z-]+)` \((\w+)\)$/gm)].map((m) => [m[1]!, m[2]!] as const);
  assert.deepEqual(headings.map(([c]) => c).sort(), [...DIAGNOSIS_CODES].sort());
  for (const [code, severity] of headings) {
    assert.equal(severity, FINDING_CODES[code as keyof typeof FINDING_CODES].severity, code);
    const start = doc.indexOf(`### \`${code}\``);
    const end = doc.indexOf('\n### ', start + 1);
    const section = doc.slice(start, end < 0 ? doc.indexOf('\n## ', start) : end);
    for (const part of ['**Meaning.**', '**Detected.**', '**What to check.**', '\n- en: ', '\n- id: ']) {
      assert.ok(section.includes(part), `${code}: no ${part.trim()}`);
    }
  }
});

function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const m of doc.matchAll(/^\| `((?:fixtures|corpus)\/[^`]+)` \| ([^|]*) \|/gm)) {
    rows.set(m[1]!, [...m[2]!.matchAll(/`(diag\.[a-z-]+)`/g)].map((x) => x[1]!));
  }
  return rows;
}

test('the table of captures lists exactly what analyze diagnoses on every fixture', async () => {
  const rows = documentedRows();
  for (const c of fixtureCaptures()) {
    const name = `fixtures/${path.relative(fixturesDir, c.file)}`;
    if (name.includes('/lab/')) continue;
    const found = (await diagnose(c.file, { ports: c.ports })).map((d) => d.code);
    assert.deepEqual(found, rows.get(name) ?? ['(not in docs/diagnoses.md)'], name);
  }
});

test('the table of captures lists exactly what analyze diagnoses on every corpus capture', { skip: corpusMissing }, async () => {
  const rows = documentedRows();
  for (const c of corpusCaptures()) {
    const name = `corpus/${path.relative(corpusDir, c.file)}`;
    const found = (await diagnose(c.file, { ports: c.ports })).map((d) => d.code);
    assert.deepEqual(found, rows.get(name) ?? ['(not in docs/diagnoses.md)'], name);
  }
});
