#!/usr/bin/env node
/**
 * The package's `mqtt-pcap` command (copied by build/bundle.mjs to dist/src/mqtt-pcap/mqtt-pcap.cjs; mqtt-pcap.mjs
 * next to it, build/bin.mjs, only loads this file). CommonJS: an ES module as the process's entry costs Node's ESM
 * loader, ≈ 10 ms of a tiny run. The usual `analyze` command lines (src/cli/quick-entry.ts decides which) run from
 * quick.cjs, one file compiled with V8's code cache quick.cache when V8 accepts it (same Node and V8 flags as the
 * build; otherwise, as when the cache is missing, it is compiled from source without a word). Node 20 has no module
 * compile cache: this is the one on offer there. `--version` alone is answered here. Everything else — yargs' help,
 * check, report, watch, the other options — runs from main.mjs and its chunks. No logic of the CLI here.
 */
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');

const QUICK = path.join(__dirname, 'quick.cjs');
const CODE_CACHE = path.join(__dirname, 'quick.cache');
exports.CODE_CACHE = CODE_CACHE;
/** The quick bundle's script (build/code-cache.mjs writes its cache after warm-up runs), undefined when absent. */
exports.quickScript = undefined;

function loadQuick() {
  let source;
  try {
    // quick.cjs is ASCII (build/bundle.mjs checks) and already the function expression that is compiled here: read
    // as latin1 it is the same string, copied without UTF-8 decoding, and not concatenated again.
    source = readFileSync(QUICK, 'latin1');
  } catch {
    return undefined;
  }
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
  } catch {
    cachedData = undefined;
  }
  const { Script } = require('node:vm');
  const script = new Script(source, { filename: QUICK, cachedData });
  exports.quickScript = script;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, QUICK, __dirname);
  return module.exports;
}

/** package.json's version, as src/cli/version.ts reads it (from the package root, three folders up). */
function packageVersion() {
  try {
    return JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Runs the command line of this process (the bin's own, or mqtt-pcap.mjs's). */
exports.runAsCommand = () => {
  const argv = process.argv.slice(2);
  // `--version` alone (main.ts's isVersionRequest) is answered here: loading main.mjs's chunks for it costs more
  // than the answer; test/cli-bin.test.ts checks that both give the same line.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) process.stdout.write(`${packageVersion()}\n`);
  else {
    const quick = loadQuick();
    if (quick !== undefined && quick.answersQuickly(argv)) quick.runAsCommand();
    else import('./main.mjs').then((main) => main.runAsCommand());
  }
};

if (require.main === module) exports.runAsCommand();
