#!/usr/bin/env node
/**
 * The package's `mqtt-pcap` command (copied by build/bundle.mjs to dist/src/mqtt-pcap/mqtt-pcap.mjs). The usual
 * `analyze` command lines (src/cli/quick-entry.ts decides which) run from quick.cjs, one CommonJS file compiled with
 * V8's code cache quick.cache when V8 accepts it (same Node and V8 flags as the build; otherwise, as when the cache
 * is missing, it is compiled from source without a word). Node 20 has no module compile cache: this is the one on
 * offer there. `--version` alone is answered here. Everything else — yargs' help, check,
 * report, watch, the other options — runs from main.mjs and its chunks. No logic of the CLI here.
 */
const QUICK = new URL('./quick.cjs', import.meta.url);
export const CODE_CACHE = new URL('./quick.cache', import.meta.url);

/** The quick bundle's script (build/code-cache.mjs writes its cache after warm-up runs), undefined when absent. */
export let quickScript;

function loadQuick() {
  // Node's own modules without `import`: an ESM import of node:fs builds its facade, which loads fs/promises and
  // the file streams (a few milliseconds); process.getBuiltinModule (Node >= 20.16) does not.
  const { readFileSync } = process.getBuiltinModule('node:fs');
  const { createRequire } = process.getBuiltinModule('node:module');
  const path = process.getBuiltinModule('node:path');
  const { fileURLToPath } = process.getBuiltinModule('node:url');
  const { Script } = process.getBuiltinModule('node:vm');
  let source;
  try {
    source = readFileSync(QUICK, 'utf8');
  } catch {
    return undefined;
  }
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
  } catch {
    cachedData = undefined;
  }
  const filename = fileURLToPath(QUICK);
  quickScript = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename, cachedData });
  const module = { exports: {} };
  quickScript.runInThisContext()(module.exports, createRequire(QUICK), module, filename, path.dirname(filename));
  return module.exports;
}

/** package.json's version, as src/cli/version.ts reads it (from the package root, three folders up). */
function packageVersion() {
  try {
    const text = process.getBuiltinModule('node:fs').readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return JSON.parse(text).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const argv = process.argv.slice(2);
// `--version` alone (main.ts's isVersionRequest) is answered here: loading main.mjs's chunks for it costs more
// than the answer; test/cli-bin.test.ts checks that both give the same line.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) process.stdout.write(`${packageVersion()}\n`);
else {
  const quick = loadQuick();
  if (quick !== undefined && quick.answersQuickly(argv)) quick.runAsCommand();
  else (await import('./main.mjs')).runAsCommand();
}
