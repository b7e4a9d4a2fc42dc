/**
 * Bundles the built CLI (dist/src/cli/main.js, from tsc) and its dependencies into dist/src/mqtt-pcap/: the entry
 * mqtt-pcap.mjs (the package's `mqtt-pcap` command) and one chunk per module the CLI imports dynamically, so
 * `--version` loads a few kilobytes and `analyze` never loads the rule engine or the report. A handful of files to
 * load instead of about two hundred; string-width replaced by build/string-width.cjs, readable-stream by Node's own
 * stream module (build/readable-stream.cjs) and debug by a silent logger (build/debug.cjs): see there. The folder
 * sits as deep as dist/src/cli, so paths relative to import.meta.url (package.json) stay right. Run by `npm run build` (and
 * so by `npm ci`, through `prepare`); the tests run dist/src/cli/main.js, and test/cli-usage.test.ts checks that the
 * bundle prints the same.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = 'dist/src/mqtt-pcap';
rmSync(new URL(`../${outdir}`, import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'mqtt-pcap': 'dist/src/cli/main.js' },
  outdir,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'string-width': './build/string-width.cjs', 'readable-stream': './build/readable-stream.cjs', debug: './build/debug.cjs' },
  // CommonJS dependencies (mqtt-packet, cli-table3) call require() for Node's own modules.
  banner: { js: "import{createRequire as __mqttPcapRequire}from'node:module';const require=__mqttPcapRequire(import.meta.url);" },
});
