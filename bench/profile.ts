/**
 * profile.ts - CPU profile of one analysis and a summary of where the time goes.
 *
 *   node dist/bench/profile.js [FILE.cpuprofile | CAPTURE [analyze args...]]
 *
 * With a capture (default bench/data/base.pcap, args default "--format summary"), runs
 *   node --cpu-prof --cpu-prof-dir bench/data/profile dist/src/cli/main.js analyze CAPTURE ARGS > /dev/null
 * and summarises the newest .cpuprofile; with a .cpuprofile, just summarises it: top functions by self time,
 * self time by source file, and inclusive ("total") time of the project's own functions.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(cf: CallFrame): string {
  let u = cf.url.replace(/^file:\/\//, '');
  if (u.startsWith(ROOT)) u = relative(ROOT, u);
  return u ? `${u}:${cf.lineNumber + 1}` : '(native)';
}

function summarise(path: string, top = 25): void {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time spent in it
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + dt);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fnSelf = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame)}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const file = n.callFrame.url ? where(n.callFrame).replace(/:\d+$/, '') : n.callFrame.functionName || '(native)';
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + us);
    // inclusive time: every distinct function on the stack gets the sample once
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!cf.url.includes('/dist/')) continue;
      const k = `${cf.functionName || '(anonymous)'}  ${where(cf)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      fnTotal.set(k, (fnTotal.get(k) ?? 0) + us);
    }
  }
  const show = (title: string, m: Map<string, number>, n: number): void => {
    console.log(`\n${title}`);
    console.log('    ms      %  ');
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`${(us / 1000).toFixed(0).padStart(6)}  ${((us / total) * 100).toFixed(1).padStart(5)}  ${k}`);
  };
  console.log(`${relative(process.cwd(), path)}: ${(total / 1000).toFixed(0)} ms sampled, ${p.samples.length} samples`);
  show(`top ${top} functions by self time`, fnSelf, top);
  show('self time by file', fileSelf, 15);
  show("project functions by total (inclusive) time", fnTotal, 15);
}

const args = process.argv.slice(2);
if (args[0]?.endsWith('.cpuprofile')) {
  summarise(resolve(args[0]));
} else {
  const capture = resolve(args[0] ?? join(ROOT, 'bench', 'data', 'base.pcap'));
  const extra = args.length > 1 ? args.slice(1) : ['--format', 'summary'];
  const dir = join(ROOT, 'bench', 'data', 'profile');
  mkdirSync(dir, { recursive: true });
  const cmd = ['--cpu-prof', '--cpu-prof-dir', dir, join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'analyze', capture, ...extra];
  console.error(`profile: node ${cmd.join(' ')} > /dev/null`);
  const r = spawnSync(process.execPath, cmd, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error('no .cpuprofile written');
  summarise(newest);
}
