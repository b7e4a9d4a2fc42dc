/**
 * Output written the way careful tools write it (issue #15, cases 4 and 10): `-o` through an exclusive temporary
 * file with an unpredictable name and mode 0600 in the target's directory, removed on SIGTERM; the target's mode kept
 * (0600 with --show-secrets); a FIFO written through, not replaced; the input never overwritten; "-" is standard
 * output; bad targets refused before the analysis (exit 4, even when the input does not exist); write errors
 * (a full disk: /dev/full) are exit code 4 for analyze, check and --help; the live table on stdin has one bottom
 * border, not one per chunk. Real CLI runs on the lab capture fixtures/reqresp.pcap.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { repoRoot } from './helpers/corpus.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const CAPTURE = path.join(repoRoot, 'fixtures', 'reqresp.pcap');
const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-hostile-out-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], options: { cwd?: string; stdout?: number } = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 26, cwd: options.cwd,
    stdio: ['pipe', options.stdout ?? 'pipe', 'pipe'], input: '',
  });
  return { stdout: r.stdout ?? '', stderr: r.stderr, status: r.status };
}

function fresh(name: string): string {
  const d = path.join(dir, name);
  mkdirSync(d);
  return d;
}

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('-o FILE', () => {
  test('the temporary file: exclusive, mode 0600, an unpredictable name in the target\'s directory; SIGTERM removes it', async () => {
    const out = fresh('tmpname');
    const target = path.join(out, 'report.md');
    const names: string[] = [];
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // The capture comes on stdin and stays open: the run waits there with its temporary file open.
      const child = spawn(process.execPath, [CLI, 'analyze', '-', '--format', 'markdown', '-o', target], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin.write(readFileSync(CAPTURE).subarray(0, 1000));
      let temporary: string | undefined;
      try {
        for (let i = 0; i < 100 && temporary === undefined; i++) {
          await new Promise((r) => setTimeout(r, 50));
          temporary = readdirSync(out).find((n) => n.endsWith('.tmp'));
        }
        assert.ok(temporary !== undefined, 'a temporary file exists while the run goes on');
        names.push(temporary);
        assert.match(temporary, /^\.report\.md\.[A-Za-z0-9_-]{12}\.tmp$/);
        assert.equal(lstatSync(path.join(out, temporary)).mode & 0o777, 0o600);
      } finally {
        child.kill(signal);
      }
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, signal === 'SIGTERM' ? 143 : 130);
      assert.deepEqual(readdirSync(out), [], `${signal}: the temporary file is removed and no target written`);
    }
    assert.notEqual(names[0], names[1]);
  });

  test('a symlink planted where the old predictable temporary name was does not redirect the write', () => {
    const out = fresh('planted');
    const victim = path.join(out, 'victim');
    writeFileSync(victim, 'secret', { mode: 0o600 });
    const target = path.join(out, 'out.txt');
    // The former name was `${target}.${pid}.tmp`: plant links for a range of pids.
    for (let pid = 1; pid < 300; pid++) symlinkSync(victim, `${target}.${pid}.tmp`);
    const r = cli(['analyze', CAPTURE, '-o', target]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'secret');
    assert.equal(mode(victim), 0o600);
    assert.match(readFileSync(target, 'utf8'), /MQTT/);
  });

  test('the target\'s mode is kept; 0600 with --show-secrets; a new file follows the umask', () => {
    const out = fresh('modes');
    const kept = path.join(out, 'kept.txt');
    writeFileSync(kept, 'old');
    chmodSync(kept, 0o640);
    assert.equal(cli(['analyze', CAPTURE, '-o', kept]).status, 0);
    assert.equal(mode(kept), 0o640);
    chmodSync(kept, 0o600);
    assert.equal(cli(['analyze', CAPTURE, '-o', kept]).status, 0);
    assert.equal(mode(kept), 0o600, 'a 0600 target stays 0600');
    const secret = path.join(out, 'secret.txt');
    writeFileSync(secret, 'old');
    chmodSync(secret, 0o644);
    assert.equal(cli(['analyze', CAPTURE, '--show-secrets', '-o', secret]).status, 0);
    assert.equal(mode(secret), 0o600, '--show-secrets: 0600');
    const created = path.join(out, 'new.txt');
    assert.equal(cli(['analyze', CAPTURE, '-o', created]).status, 0);
    assert.equal(mode(created), 0o666 & ~process.umask());
  });

  test('a FIFO is written through, not replaced; a symlink to it too', async () => {
    const out = fresh('fifo');
    const fifo = path.join(out, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(out, 'link');
    symlinkSync(fifo, link);
    for (const target of [fifo, link]) {
      const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
      let got = '';
      reader.stdout.on('data', (c: Buffer) => { got += c.toString(); });
      const closed = new Promise((resolve) => reader.on('close', resolve));
      const r = await new Promise<number | null>((resolve) => {
        spawn(process.execPath, [CLI, 'analyze', CAPTURE, '--format', 'ndjson', '-o', target], { stdio: 'ignore' }).on('close', resolve);
      });
      await closed;
      assert.equal(r, 0);
      assert.equal(got.trim().split('\n').length, cli(['analyze', CAPTURE, '--format', 'ndjson']).stdout.trim().split('\n').length);
      assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
    }
    assert.ok(lstatSync(link).isSymbolicLink());
  });

  test('the input is never overwritten (directly or through a link); "-" is standard output', () => {
    const out = fresh('input');
    const input = path.join(out, 'in.pcap');
    writeFileSync(input, readFileSync(CAPTURE));
    const before = readFileSync(input);
    for (const target of [input, (symlinkSync(input, path.join(out, 'alias')), path.join(out, 'alias'))]) {
      const r = cli(['analyze', input, '-o', target]);
      assert.equal(r.status, 4);
      assert.match(r.stderr, /input capture; refused/);
      assert.ok(readFileSync(input).equals(before));
    }
    const dash = cli(['analyze', input, '-o', '-'], { cwd: out });
    assert.equal(dash.status, 0);
    assert.match(dash.stdout, /Frame/);
    assert.equal(existsSync(path.join(out, '-')), false, 'no file named "-"');
  });

  test('bad targets are refused before the analysis: exit 4, one line, even when the input does not exist', () => {
    const out = fresh('bad');
    for (const target of ['', `${out}/`, out, path.join(out, 'no-such-dir', 'x.txt')]) {
      const r = cli(['analyze', path.join(out, 'missing.pcap'), '-o', target]);
      assert.equal(r.status, 4, `${JSON.stringify(target)}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|rename/);
    }
    assert.deepEqual(readdirSync(out), []);
  });
});

describe('write errors', () => {
  const full = existsSync('/dev/full');

  test('> /dev/full: analyze, check, --help and --version exit 4 with one line, not an internal error', { skip: !full && 'no /dev/full' }, () => {
    const fd = openSync('/dev/full', 'w');
    try {
      for (const args of [
        ['analyze', CAPTURE], ['analyze', CAPTURE, '--format', 'ndjson'], ['analyze', CAPTURE, '--format', 'json'],
        ['check', CAPTURE, '--spec', path.join(repoRoot, 'fixtures/checks/lab.json')], ['--help'], ['--version'], ['analyze', '--help'],
      ]) {
        const r = cli(args, { stdout: fd });
        assert.equal(r.status, 4, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^mqtt-pcap: cannot write standard output: no space left on the device \(disk full\) \(ENOSPC\)\n$/, args.join(' '));
      }
      const o = cli(['analyze', CAPTURE, '-o', '/dev/full']);
      assert.equal(o.status, 4, o.stderr);
      assert.match(o.stderr, /cannot write \/dev\/full: no space left/);
    } finally {
      closeSync(fd);
    }
    // Control: the same commands to a working output exit 0.
    assert.equal(cli(['--help']).status, 0);
    assert.equal(cli(['analyze', CAPTURE]).status, 0);
  });

  test('the live table on stdin prints one bottom border, however many chunks arrive', async () => {
    const capture = readFileSync(CAPTURE);
    const child = spawn(process.execPath, [CLI, 'analyze', '-', '--no-color'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    for (let off = 0; off < capture.length; off += 400) {
      child.stdin.write(capture.subarray(off, off + 400));
      await new Promise((r) => setTimeout(r, 40));
    }
    child.stdin.end();
    assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0);
    const timeline = out.split('\nFrames\n')[0]!;
    const rows = timeline.split('\n').filter((l) => /^│ \d+ /.test(l)).length;
    assert.ok(rows >= 40, `${rows} rows`);
    assert.equal(timeline.split('\n').filter((l) => l.startsWith('└')).length, 1, timeline);
    assert.equal(timeline.split('\n').filter((l) => l.startsWith('┌')).length, 1);
  });
});
