/**
 * Bundles the built CLI (dist/src/cli/main.js, from tsc) and its dependencies into one file,
 * dist/src/cli/mqtt-pcap.mjs, the package's `mqtt-pcap` command: one file to load instead of about two hundred,
 * and string-width replaced by build/string-width.cjs (see there). Modules the CLI imports dynamically stay lazy
 * (esbuild initialises them on first import), so `--version` runs almost nothing. Run by `npm run build` (and so by
 * `npm ci`, through `prepare`); the tests run dist/src/cli/main.js, and test/cli-usage.test.ts checks that the
 * bundle prints the same.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/src/cli/mqtt-pcap.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'string-width': './build/string-width.cjs' },
  // CommonJS dependencies (mqtt-packet, cli-table3) call require() for Node's own modules.
  banner: { js: "import{createRequire as __mqttPcapRequire}from'node:module';const require=__mqttPcapRequire(import.meta.url);" },
});
