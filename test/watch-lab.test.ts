/**
 * `mqtt-pcap watch -i br0` live on a small namespace lab of its own, built like fixtures/lab/capture.sh builds the
 * lab (a bridge in its own namespace, a Mosquitto broker at 172.18.0.2 with fixtures/lab/mosquitto.conf, the lab
 * publisher fixtures/lab/pub.py at 172.18.0.4; namespaces named mpw-<role>-<PID>, no link to the host): watch starts
 * tcpdump on the bridge, the publisher publishes, and watch's interval objects name its topic and its client id.
 * Then SIGINT stops watch cleanly: tcpdump is stopped and the final summary printed. Needs root, `ip netns`,
 * mosquitto, tcpdump and python3 with paho-mqtt (what CI installs); skips with the reason otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './helpers/corpus.js';
import { toolsSkip } from './helpers/tools.js';

const cliMain = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const labDir = path.join(repoRoot, 'fixtures', 'lab');
const TAG = String(process.pid);
const NS = { br: `mpw-br-${TAG}`, broker: `mpw-broker-${TAG}`, pub: `mpw-pub-${TAG}` };
const CLIENT_ID = `watch-lab-pub-${TAG}`;

function python(): string | undefined {
  for (const p of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(p, ['-c', 'import paho.mqtt.client']).status === 0) return p;
  }
  return undefined;
}

/** Skipped with one line naming what is missing, outside CI; in CI the test runs and fails (test/helpers/tools.ts). */
function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'the namespace lab needs Linux';
  return toolsSkip(['root', 'netns', 'ip', 'tcpdump', 'mosquitto', 'paho-mqtt']);
}

const env = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/local/sbin:/usr/sbin:/sbin` };

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 30_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function labUp(): void {
  run('ip', ['netns', 'add', NS.br]);
  run('ip', ['-n', NS.br, 'link', 'set', 'lo', 'up']);
  run('ip', ['-n', NS.br, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
  run('ip', ['-n', NS.br, 'link', 'set', 'br0', 'up']);
  for (const [role, last] of [['broker', 2], ['pub', 4]] as const) {
    const ns = NS[role];
    run('ip', ['netns', 'add', ns]);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    run('ip', ['-n', NS.br, 'link', 'add', `veth-${role}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    run('ip', ['-n', NS.br, 'link', 'set', `veth-${role}`, 'master', 'br0', 'up']);
    run('ip', ['-n', ns, 'addr', 'add', `172.18.0.${last}/16`, 'dev', 'eth0']);
    run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  }
}

function labDown(): void {
  for (const ns of Object.values(NS)) {
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', env }).stdout.split('\n').filter((l) => l.trim() !== '');
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    spawnSync('ip', ['netns', 'del', ns], { env });
  }
}

interface IntervalObject {
  type: 'interval';
  published: number;
  topics: Array<{ topic: string; published: number; delivered: number }>;
  clients: Array<{ clientId?: string; address: string; sent: number }>;
}

const reason = skipReason();

test('watch -i on the lab bridge sees the publisher\'s topic and client', { skip: reason ?? false, timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(cliMain), 'build first (npx tsc -p tsconfig.json)');
  const work = mkdtempSync(path.join(os.tmpdir(), 'mqtt-pcap-watch-lab-'));
  chmodSync(work, 0o755); // the broker drops privileges and must read its configuration
  t.after(() => {
    labDown();
    rmSync(work, { recursive: true, force: true });
  });
  labUp();
  await until('bridge ports forwarding', () => ['broker', 'pub'].every((r) =>
    spawnSync('ip', ['netns', 'exec', NS.br, 'cat', `/sys/class/net/veth-${r}/brport/state`], { encoding: 'utf8', env }).stdout.trim() === '3'));
  const conf = path.join(work, 'mosquitto.conf');
  copyFileSync(path.join(labDir, 'mosquitto.conf'), conf);
  chmodSync(conf, 0o644);
  const broker = spawn('ip', ['netns', 'exec', NS.broker, 'mosquitto', '-c', conf], { stdio: 'ignore', env });
  t.after(() => broker.kill('SIGTERM'));
  await until('the broker to listen', () => spawnSync('ip', ['netns', 'exec', NS.broker, 'ss', '-Hltn', 'sport = :1883'], { encoding: 'utf8', env }).stdout.trim() !== '');

  // watch -i br0 in the bridge's namespace, one NDJSON object per half second.
  const watch = spawn('ip', ['netns', 'exec', NS.br, process.execPath, cliMain, 'watch', '-i', 'br0', '--format', 'ndjson', '--interval', '500ms'],
    { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  watch.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  watch.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const exited = new Promise<number | null>((resolve) => watch.once('exit', (code) => resolve(code)));
  t.after(() => watch.kill('SIGKILL'));
  await until('watch to start tcpdump', () => /capturing on br0 with (tcpdump|dumpcap)/.test(stderr), 15_000);

  // The lab publisher: six messages to sister/temp.
  const pub = spawnSync('ip', ['netns', 'exec', NS.pub, python()!, path.join(labDir, 'pub.py'), '--host', '172.18.0.2', '--count', '6',
    '--interval-min', '0.2', '--interval-max', '0.4', '--client-id', CLIENT_ID], { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(pub.status, 0, `pub.py: ${pub.stderr}`);

  // Seen live: an interval object names the topic and the client, while watch still runs.
  const objects = (): Array<IntervalObject | { type: 'summary' }> => stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as IntervalObject);
  const intervals = (): IntervalObject[] => objects().filter((o): o is IntervalObject => o.type === 'interval');
  await until('an interval with sister/temp and the client', () => intervals().some((o) => o.topics.some((x) => x.topic === 'sister/temp'))
    && intervals().some((o) => o.clients.some((c) => c.clientId === CLIENT_ID)), 10_000);
  assert.equal(watch.exitCode, null, 'watch stopped by itself');
  // All six, as the intervals that hold them end.
  const published = (): number => intervals().reduce((n, o) => n + o.published, 0);
  await until('the six PUBLISH packets in the intervals', () => published() >= 6, 10_000).catch(() => undefined);
  assert.equal(published(), 6, `PUBLISH packets counted over the intervals:\n${stdout}`);
  const client = intervals().flatMap((o) => o.clients).find((c) => c.clientId === CLIENT_ID)!;
  assert.match(client.address, /^172\.18\.0\.4:\d+$/);

  // SIGINT: tcpdump stopped, the summary printed, exit 0.
  watch.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 0, `exit status; stderr:\n${stderr}`);
  const last = objects().at(-1) as { type: string; summary?: { mqtt: { sessions: Array<{ clientId?: string }>; byType: Record<string, number> } } };
  assert.equal(last.type, 'summary');
  assert.ok(last.summary!.mqtt.sessions.some((s) => s.clientId === CLIENT_ID), 'the summary lists the session');
  assert.equal(last.summary!.mqtt.byType['PUBLISH'], 6);
  // No capture process is left running in the bridge's namespace.
  await until('tcpdump to be gone', () => spawnSync('ip', ['netns', 'pids', NS.br], { encoding: 'utf8', env }).stdout.trim() === '', 5000);
});
