/**
 * The fast summary path (summaryOnly: the `--format summary` output) gives the same summary as the full analysis
 * on every corpus capture and fixture: it skips work, never facts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import { corpusCaptures, corpusMissing, fixtureCaptures } from './helpers/corpus.js';

test('summaryOnly gives the same summary as the full analysis', async (t) => {
  if (corpusMissing !== undefined) t.diagnostic(`corpus skipped: ${corpusMissing}`);
  const captures = [...corpusCaptures(), ...fixtureCaptures()];
  assert.ok(captures.length > 0);
  for (const c of captures) {
    const full = await analyzeCapture(c.file, { ports: c.ports, onEvent: () => undefined });
    const lean = await analyzeCapture(c.file, { ports: c.ports, summaryOnly: true, onEvent: () => undefined });
    assert.deepEqual(lean.summary, full.summary, `${c.name}: summaries differ`);
  }
});
