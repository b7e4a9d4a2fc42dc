/**
 * Writes dist/src/mqtt-pcap/quick.cache, V8's code cache of quick.cjs (see build/bin.mjs), after warm-up runs of the
 * bin on small fixtures, so that the functions those runs compiled lazily are in it too. Each run is a child Node
 * without flags (V8 accepts a cache only under the flags it was made with), its output discarded; it reads the cache
 * of the previous run and writes one that adds what it compiled. Run by build/bundle.mjs; `--run ARGS` is the child.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const BIN = new URL('../dist/src/mqtt-pcap/mqtt-pcap.cjs', import.meta.url);

if (process.argv[2] === '--run') {
  process.argv = [process.argv[0], fileURLToPath(BIN), ...process.argv.slice(3)];
  const bin = createRequire(import.meta.url)(fileURLToPath(BIN));
  bin.runAsCommand();
  process.on('exit', () => {
    if (bin.quickScript !== undefined) writeFileSync(bin.CODE_CACHE, bin.quickScript.createCachedData());
  });
} else {
  const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const runs = [
    ['analyze', fixture('reqresp.pcap')],
    ['analyze', fixture('reqresp.pcap'), '--format', 'summary'],
    ['analyze', fixture('reqresp.pcap'), '--format', 'ndjson'],
    ['analyze', fixture('reqresp.pcap'), '--format', 'json'],
    ['analyze', fixture('faults/fault-no-broker.pcap')],
    ['--version'],
  ];
  rmSync(new URL('../dist/src/mqtt-pcap/quick.cache', import.meta.url), { force: true });
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  for (const args of runs) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--run', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(`build/code-cache.mjs: warm-up run ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
      process.exit(1);
    }
  }
}
