/**
 * Bundles the built CLI (dist/src/cli/*.js, from tsc) and its dependencies into dist/src/mqtt-pcap/:
 * - mqtt-pcap.cjs, the package's `mqtt-pcap` command: build/bin.cjs, copied; mqtt-pcap.mjs (build/bin.mjs), the
 *   same command under its older name;
 * - quick.cjs: src/cli/quick-entry.ts as one CommonJS bundle without yargs, check, report or watch (what the usual
 *   `analyze` lines need), wrapped at build time in the function expression the bin compiles (so the bin does not
 *   concatenate 0.4 MB at each start), ASCII only (checked: the bin reads it as latin1); and quick.cache, V8's code
 *   cache of it written after warm-up runs (build/code-cache.mjs), so that those lines start without compiling
 *   (Node 20 has no module compile cache);
 * - main.mjs and one chunk per module the CLI imports dynamically: everything else (yargs and the other commands).
 * string-width replaced by build/string-width.cjs, readable-stream by Node's own stream module
 * (build/readable-stream.cjs) and debug by a silent logger (build/debug.cjs): see there. The folder sits as deep as
 * dist/src/cli, so paths relative to import.meta.url (package.json) stay right (in quick.cjs import.meta.url is the
 * file's own URL). Run by `npm run build` (and so by `npm ci`, through `prepare`); the tests run dist/src/cli/main.js,
 * and test/cli-usage.test.ts and test/cli-bin.test.ts check that the bin prints the same.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = 'dist/src/mqtt-pcap';
rmSync(new URL(`../${outdir}`, import.meta.url), { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'string-width': './build/string-width.cjs', 'readable-stream': './build/readable-stream.cjs', debug: './build/debug.cjs' },
};

await build({
  ...common,
  entryPoints: { main: 'dist/src/cli/main.js' },
  outExtension: { '.js': '.mjs' },
  splitting: true,
  format: 'esm',
  // CommonJS dependencies (mqtt-packet, cli-table3) call require() for Node's own modules.
  banner: { js: "import{createRequire as __mqttPcapRequire}from'node:module';const require=__mqttPcapRequire(import.meta.url);" },
});

/** main.ts imports these only for command lines quick-entry.ts leaves to the full bundle: in quick.cjs they throw. */
const leftToMain = {
  name: 'left-to-main',
  setup(b) {
    b.onResolve({ filter: /^(yargs|\.\/(check|report|watch)-command\.js)$/ }, (a) => ({ path: a.path, namespace: 'left-to-main' }));
    b.onLoad({ filter: /.*/, namespace: 'left-to-main' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is not in quick.cjs: this command line runs from main.mjs`)});`,
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: { quick: 'dist/src/cli/quick-entry.js' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  plugins: [leftToMain],
  define: { 'import.meta.url': '__mqttPcapUrl' },
  // The parameters are those of Node's CommonJS wrapper: build/bin.cjs calls the function with them.
  banner: { js: "(function (exports, require, module, __filename, __dirname) {const __mqttPcapUrl=require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: '\n})' },
});
// esbuild writes ASCII only (its default charset): the bin relies on it to read the file as latin1.
if (/[^\x00-\x7f]/.test(readFileSync(new URL(`../${outdir}/quick.cjs`, import.meta.url), 'latin1'))) throw new Error(`${outdir}/quick.cjs is not ASCII`);

for (const [from, to] of [['bin.cjs', 'mqtt-pcap.cjs'], ['bin.mjs', 'mqtt-pcap.mjs']]) {
  copyFileSync(new URL(`./${from}`, import.meta.url), new URL(`../${outdir}/${to}`, import.meta.url));
  chmodSync(new URL(`../${outdir}/${to}`, import.meta.url), 0o755);
}

const cache = spawnSync(process.execPath, [fileURLToPath(new URL('./code-cache.mjs', import.meta.url))], { cwd: root, stdio: 'inherit' });
if (cache.status !== 0) process.exitCode = 1;
