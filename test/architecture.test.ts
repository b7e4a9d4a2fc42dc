/**
 * The folders of src/ import one way only: each folder imports only the folders its row of the table in
 * docs/architecture.md ("Who may import whom") names, type imports included; every folder has a row; the table has no
 * cycle. The docs are the rule; this test reads them.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers/corpus.js';

const SRC = path.join(repoRoot, 'src');

/** folder -> the folders it may import, from docs/architecture.md. */
function allowedTable(): Map<string, Set<string>> {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
  const section = doc.split('## Who may import whom')[1]?.split('\n## ')[0] ?? '';
  const table = new Map<string, Set<string>>();
  for (const m of section.matchAll(/^\| `src\/([a-z-]+)\/` \| ([^|]*) \|$/gm)) {
    table.set(m[1]!, new Set([...m[2]!.matchAll(/`([a-z-]+)`/g)].map((x) => x[1]!)));
  }
  return table;
}

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesOf(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** "folder/file.ts imports other" for every import of another src/ folder (static, dynamic, type, re-export). */
function imports(): Array<{ folder: string; file: string; target: string }> {
  const out: Array<{ folder: string; file: string; target: string }> = [];
  for (const folder of readdirSync(SRC).filter((f) => statSync(path.join(SRC, f)).isDirectory())) {
    for (const file of filesOf(path.join(SRC, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) continue;
        const resolved = path.relative(SRC, path.resolve(path.dirname(file), spec));
        const target = resolved.split(path.sep)[0]!;
        if (target !== folder && !target.startsWith('..') && !target.endsWith('.js')) out.push({ folder, file: path.relative(repoRoot, file), target });
      }
    }
  }
  return out;
}

test('every src/ folder has a row in docs/architecture.md, and the rows draw no cycle', () => {
  const table = allowedTable();
  assert.ok(table.size >= 10, 'the table was read');
  const folders = readdirSync(SRC).filter((f) => statSync(path.join(SRC, f)).isDirectory());
  assert.deepEqual(folders.filter((f) => !table.has(f)), [], 'folders without a row');
  // Depth-first search for a cycle.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (f: string, trail: string[]): void => {
    if (state.get(f) === 'done') return;
    assert.notEqual(state.get(f), 'visiting', `cycle: ${[...trail, f].join(' → ')}`);
    state.set(f, 'visiting');
    for (const g of table.get(f) ?? []) visit(g, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of table.keys()) visit(f, []);
});

test('each folder imports only what its row allows (type imports included)', () => {
  const table = allowedTable();
  const found = imports();
  assert.ok(found.length > 20, 'imports were found');
  const wrong = found.filter(({ folder, target }) => !(table.get(folder)?.has(target) ?? false))
    .map(({ file, target }) => `${file} imports ${target}`);
  assert.deepEqual(wrong, []);
});

test('the import reader sees type imports and re-exports (the rule cannot pass by not looking)', () => {
  const found = imports();
  // src/analysis/summary.ts re-exports the model's summary types with `export type * from`.
  assert.ok(found.some((i) => i.file === path.join('src', 'analysis', 'summary.ts') && i.target === 'model'));
  // src/mqtt/connection.ts imports model types only (`import type`).
  assert.ok(found.some((i) => i.file === path.join('src', 'mqtt', 'connection.ts') && i.target === 'model'));
});
