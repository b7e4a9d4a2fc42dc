/**
 * tls.ts - TLS decryption speed (part of npm run bench, or node dist/bench/tls.js [--reps N] [--data DIR]).
 *
 * On bench/data/tls.pcap with its key log bench/data/tls.keys (made by `sudo bash bench/tls-make-capture.sh`), runs
 * alternating, --reps times each (default 3), and reports medians of wall time, CPU time (GNU time) and MB/s of TLS
 * traffic (the TCP payload bytes of the capture's TLS connections), and peak RSS:
 *   ours-keylog   node dist/src/cli/main.js analyze F --keylog K --format summary   (decrypts and dissects)
 *   ours-nokeys   node dist/src/cli/main.js analyze F --format summary             (records named, nothing decrypted)
 *   tshark-keylog tshark -r F -o tls.keylog_file:K -Y mqtt -T fields -e frame.number -e mqtt.msgtype
 * and checks that both decrypting runs found the same number of MQTT messages. Without the capture it says how to
 * make it and exits 0 (the benchmark is optional data).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = resolve(HERE, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const reps = Math.max(1, Number.parseInt(arg('--reps', '3'), 10) || 1);
const data = arg('--data', join(ROOT, 'bench', 'data'));
const file = join(data, 'tls.pcap');
const keys = join(data, 'tls.keys');

interface Run { seconds: number; stdout: string; cpuSeconds?: number; peakKb?: number }

/** GNU time gives CPU seconds and peak RSS (CPU time is the fairer figure on a shared, loaded machine). */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function run(command: string, args: string[]): Run {
  const start = process.hrtime.bigint();
  const [cmd, argv] = GNU_TIME !== undefined ? [GNU_TIME, ['-f', 'TIME %U %S %M', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const times = /TIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(result.stderr);
  return times === null ? { seconds, stdout: result.stdout }
    : { seconds, stdout: result.stdout, cpuSeconds: Number(times[1]) + Number(times[2]), peakKb: Number(times[3]) };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function main(): void {
  if (!existsSync(file) || !existsSync(keys)) {
    console.log(`tls bench: ${file} missing; make it with: sudo bash bench/tls-make-capture.sh`);
    return;
  }
  // TLS traffic: the TCP payload bytes of the capture (every connection in it is TLS).
  const tcpLens = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.len'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const tlsBytes = tcpLens.status === 0
    ? tcpLens.stdout.split('\n').reduce((sum, line) => sum + (Number(line) || 0), 0)
    : statSync(file).size;
  const variants: Record<string, () => Run> = {
    'ours-keylog': () => run(process.execPath, [CLI, 'analyze', file, '--keylog', keys, '--format', 'summary']),
    'ours-nokeys': () => run(process.execPath, [CLI, 'analyze', file, '--format', 'summary']),
    'tshark-keylog': () => run('tshark', ['-r', file, '-o', `tls.keylog_file:${keys}`, '-Y', 'mqtt', '-T', 'fields', '-e', 'frame.number', '-e', 'mqtt.msgtype']),
  };
  const times: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const peak: Record<string, number[]> = {};
  const last: Record<string, string> = {};
  for (let i = 0; i < reps; i++) {
    for (const [name, variant] of Object.entries(variants)) {
      const r = variant();
      (times[name] ??= []).push(r.seconds);
      if (r.cpuSeconds !== undefined) (cpu[name] ??= []).push(r.cpuSeconds);
      if (r.peakKb !== undefined) (peak[name] ??= []).push(r.peakKb);
      last[name] = r.stdout;
    }
  }
  // Counted once more from the JSON document (not timed).
  const json = run(process.execPath, [CLI, 'analyze', file, '--keylog', keys, '--format', 'json']).stdout;
  const ourMqtt = (JSON.parse(json) as { summary: { mqtt: { messages: number } } }).summary.mqtt.messages;
  const tsharkMqtt = last['tshark-keylog']!.split('\n').filter((l) => l !== '').reduce((n, l) => n + (l.split('\t')[1]?.split(',').length ?? 0), 0);
  console.log(`tls bench: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB file, ${(tlsBytes / 1e6).toFixed(1)} MB TLS traffic), ${reps} reps, medians`);
  for (const [name, t] of Object.entries(times)) {
    const s = median(t);
    const c = cpu[name] !== undefined ? median(cpu[name]) : undefined;
    const m = peak[name] !== undefined ? median(peak[name]) : undefined;
    console.log(`  ${name.padEnd(14)} ${s.toFixed(2).padStart(7)} s wall ${(tlsBytes / 1e6 / s).toFixed(1).padStart(6)} MB/s`
      + (c !== undefined ? ` | ${c.toFixed(2).padStart(6)} s CPU ${(tlsBytes / 1e6 / c).toFixed(1).padStart(6)} MB/s` : '')
      + (m !== undefined ? ` | peak RSS ${(m / 1024).toFixed(0)} MB` : ''));
  }
  console.log(`  MQTT messages decrypted: ours ${ourMqtt}, tshark ${tsharkMqtt}${ourMqtt === tsharkMqtt ? '' : '  <-- DIFFERENT'}`);
  if (ourMqtt !== tsharkMqtt) process.exitCode = 1;
}

main();
