/**
 * `mqtt-pcap watch -` on a real terminal: tmux runs it with the lab capture fixtures/qos-mqtt5.pcap (Mosquitto,
 * paho and mosquitto clients, tcpdump; see fixtures/README.md) fed through a pipe at the capture's own pace, and
 * the test reads the screen with `tmux capture-pane`: topics, clients and rates appear and update, the keys
 * (read from the terminal while the capture arrives on standard input) work, a resize redraws, `q` restores the
 * terminal and prints the summary. Skips when tmux is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { toolsSkip } from './helpers/tools.js';

const cliMain = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const capture = path.join(fixturesDir, 'qos-mqtt5.pcap');

/**
 * Writes a classic pcap to stdout record by record at the pace of its timestamps (times SLOW), then keeps the pipe
 * open (a live capture that has gone quiet) until it is killed or 120 s have passed. Its PID goes to argv[3].
 */
const FEEDER = `
import { readFileSync, writeFileSync } from 'node:fs';
const [file, pidFile, slow] = process.argv.slice(2);
writeFileSync(pidFile, String(process.pid));
const b = readFileSync(file);
const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
const nano = (le ? b.readUInt32LE(0) : b.readUInt32BE(0)) === 0xa1b23c4d;
const records = [];
for (let off = 24; off + 16 <= b.length;) {
  const len = u32(off + 8);
  records.push({ t: u32(off) + u32(off + 4) / (nano ? 1e9 : 1e6), bytes: b.subarray(off, off + 16 + len) });
  off += 16 + len;
}
process.stdout.write(b.subarray(0, 24));
const t0 = records[0].t;
const start = Date.now() + 300;
let i = 0;
function next() {
  while (i < records.length && Date.now() >= start + (records[i].t - t0) * 1000 * Number(slow)) process.stdout.write(records[i++].bytes);
  if (i < records.length) setTimeout(next, 10);
}
next();
setTimeout(() => process.exit(0), 120000);
`;

interface Pane {
  tmux: (...args: string[]) => string;
  screen: () => string;
  waitFor: (what: RegExp, timeoutMs?: number) => Promise<string>;
}

function pane(socket: string, target: string): Pane {
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const screen = (): string => tmux('capture-pane', '-p', '-t', target);
  const waitFor = async (what: RegExp, timeoutMs = 15_000): Promise<string> => {
    const until = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < until) {
      text = screen();
      if (what.test(text)) return text;
      await sleep(100);
    }
    assert.fail(`screen never showed ${what}:\n${text}`);
  };
  return { tmux, screen, waitFor };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The number after a label on the screen ("t=12.3s" → 12.3). */
function numberAfter(screen: string, label: RegExp): number {
  const m = label.exec(screen);
  assert.ok(m !== null && m[1] !== undefined, `no ${label} on the screen:\n${screen}`);
  return Number(m[1]);
}

test('watch under tmux: live screen from a pipe, keys, resize, exit', { skip: toolsSkip(['tmux']) ?? false, timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(cliMain), 'build first (npx tsc -p tsconfig.json)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-pcap-watch-tmux-'));
  const socket = `mqtt-pcap-watch-${process.pid}`;
  const feeder = path.join(dir, 'feeder.mjs');
  const pidFile = path.join(dir, 'feeder.pid');
  writeFileSync(feeder, FEEDER);
  const p = pane(socket, 'w');
  t.after(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });
  // The capture arrives on standard input (process substitution: the shell does not wait for the feeder).
  const command = `node ${JSON.stringify(cliMain)} watch - < <(node ${JSON.stringify(feeder)} ${JSON.stringify(capture)} ${JSON.stringify(pidFile)} 1.5); `
    + 'echo "WATCH-EXIT=$?"; sleep 600';
  p.tmux('new-session', '-d', '-s', 'w', '-x', '120', '-y', '32', 'bash', '-c', command);

  // Topics appear, with their rates; the clock and the counts move as the capture arrives.
  const first = await p.waitFor(/sister\/temp/);
  assert.match(first, /\[Topics\]/);
  assert.match(first, /msg\/s/);
  assert.equal(p.tmux('display', '-p', '-t', 'w', '#{alternate_on}').trim(), '1', 'the view runs on the alternate screen');
  const t1 = numberAfter(first, /t=(\d+\.\d)s/);
  const m1 = numberAfter(first, /messages (\d+)/);
  const later = await p.waitFor(/sister\/status/);
  assert.match(later, /sister\/temp\s+\d+\.\d+\s+\d/, 'a rate next to the topic');
  // The capture goes quiet after 2 s and resumes at 6.6 s (×1.5 here): the counts grow again then.
  const until = Date.now() + 20_000;
  let second = p.screen();
  while (numberAfter(second, /messages (\d+)/) <= m1 && Date.now() < until) {
    await sleep(200);
    second = p.screen();
  }
  assert.ok(numberAfter(second, /t=(\d+\.\d)s/) > t1, `the clock does not move:\n${second}`);
  assert.ok(numberAfter(second, /messages (\d+)/) > m1, `the message count does not grow:\n${first}\n---\n${second}`);

  // tab: the clients panel, with the client ids of the capture's CONNECTs.
  p.tmux('send-keys', '-t', 'w', 'Tab');
  const clients = await p.waitFor(/\[Clients\]/);
  assert.match(clients, /lab-sub5/);
  assert.match(clients, /172\.18\.0\.3:\d+/);

  // s: sort the clients by name (the sort shown, the rows in order).
  p.tmux('send-keys', '-t', 'w', 's');
  const byName = await p.waitFor(/sort: client/);
  const ids = byName.split('\n').map((l) => /^(lab-[\w-]+)\s/.exec(l)?.[1]).filter((x): x is string => x !== undefined);
  assert.ok(ids.length >= 3, `clients listed:\n${byName}`);
  assert.deepEqual(ids, [...ids].sort((a, b) => a.localeCompare(b)), `not sorted by client id:\n${byName}`);

  // p: paused, the screen frozen although the timer ticks; p again resumes.
  p.tmux('send-keys', '-t', 'w', 'p');
  const paused = await p.waitFor(/\[PAUSED\]/);
  await sleep(2200);
  const stillPaused = p.screen();
  assert.equal(numberAfter(stillPaused, /t=(\d+\.\d)s/), numberAfter(paused, /t=(\d+\.\d)s/), 'the paused screen changed');

  // A resize redraws at the new size at once (paused: only the resize can have redrawn it).
  p.tmux('resize-window', '-t', 'w', '-x', '90', '-y', '24');
  const resized = await p.waitFor(/^Findings/m);
  const rows = resized.split('\n');
  const findingsRow = rows.findIndex((l) => l.startsWith('Findings'));
  assert.equal(findingsRow, 24 - 5, `the findings heading should move to row 19 of 24:\n${resized}`);
  assert.ok(rows.every((l) => [...l].length <= 90), 'a line is wider than the terminal');

  p.tmux('send-keys', '-t', 'w', 'p');
  await p.waitFor(/\[Clients\]/);
  await sleep(1500);
  assert.doesNotMatch(p.screen(), /\[PAUSED\]/);

  // q: the terminal is restored (main screen, cursor shown) and the summary printed; exit status 0.
  p.tmux('send-keys', '-t', 'w', 'q');
  const after = await p.waitFor(/WATCH-EXIT=\d+/);
  assert.match(after, /WATCH-EXIT=0/);
  assert.equal(p.tmux('display', '-p', '-t', 'w', '#{alternate_on}').trim(), '0', 'still on the alternate screen');
  assert.equal(p.tmux('display', '-p', '-t', 'w', '#{cursor_flag}').trim(), '1', 'the cursor is still hidden');
  const history = p.tmux('capture-pane', '-p', '-S', '-200', '-t', 'w');
  assert.match(history, /^Findings/m);
  assert.match(history, /^MQTT/m, 'the final summary has its MQTT part');
});
