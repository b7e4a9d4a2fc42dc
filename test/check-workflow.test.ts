/**
 * The GitHub Actions workflow of docs/checks.md, run end to end on the lab: its "Integration test, captured" and
 * "Check the capture" steps are taken from the document (not copied) and run with bash as written — `sudo` dropped
 * (the test runs as root), `out/` a temporary directory — then the JUnit file the upload step would publish is
 * validated against test/junit.xsd with xmllint. Needs root and `ip netns` (fixtures/lab/capture.sh); skips otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from './helpers/corpus.js';
import { toolsSkip } from './helpers/tools.js';

interface Step { name?: string; run?: string; uses?: string; with?: Record<string, unknown> }

function workflow(): Step[] {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'checks.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## GitHub Actions'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block !== undefined, 'docs/checks.md has a GitHub Actions workflow');
  const parsed = parse(block) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(parsed.jobs)[0]!.steps;
}

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'the namespace lab needs Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'the namespace lab needs root';
  const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (netns.error !== undefined || netns.status !== 0) return '"ip netns" is unavailable';
  // The lab's programs: a visible skip line when one is missing, a failure in CI (./helpers/tools.ts).
  return toolsSkip(['tcpdump', 'mosquitto', 'paho-mqtt', 'ethtool', 'sysctl']);
}

test('the documented workflow uploads the JUnit file its check step writes', () => {
  const steps = workflow();
  const check = steps.find((s) => s.name === 'Check the capture');
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact') === true);
  assert.ok(check?.run?.includes('--junit out/mqtt-check.xml'));
  assert.equal(upload?.with?.['path'], 'out/mqtt-check.xml');
});

test('the documented workflow, end to end on the lab: capture, check, JUnit', { skip: skipReason() ?? false, timeout: 300_000 }, (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-workflow-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  for (const name of ['Integration test, captured', 'Check the capture']) {
    const step = workflow().find((s) => s.name === name);
    assert.ok(step?.run !== undefined, `no step "${name}"`);
    const script = step.run.replace(/\bsudo /g, '').replace(/(^|\s)out\//g, `$1${out}/`);
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: repoRoot, encoding: 'utf8', timeout: 240_000, env: { ...process.env, GITHUB_ACTIONS: 'true', NO_COLOR: '1' },
    });
    assert.equal(r.status, 0, `step "${name}" failed\n${r.stdout}\n${r.stderr}`);
    if (name === 'Check the capture') {
      assert.match(r.stdout, /^PASS: 1 capture, 15 rule results: 15 passed, 0 failed$/m);
      assert.equal(r.stdout.includes('::error'), false);
    }
  }
  const junit = path.join(out, 'mqtt-check.xml');
  const lint = spawnSync('xmllint', ['--noout', '--schema', path.join(repoRoot, 'test', 'junit.xsd'), junit], { encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stderr);
  const xml = readFileSync(junit, 'utf8');
  assert.equal(xml.match(/<testcase /g)?.length, 15);
  assert.equal(xml.includes('<failure'), false);
});
