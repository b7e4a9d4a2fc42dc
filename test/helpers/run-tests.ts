/**
 * `npm test` after the build: runs node:test on dist/test/*.test.js (or only the files given:
 * `npm test -- dist/test/cli.test.js`) with the spec reporter, plus test/helpers/skip-summary.ts, which ends the run
 * with one line per missing tool and one for the absent corpus. Exits with node:test's status. Builds nothing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const distTest = path.resolve(here, '..');
const given = process.argv.slice(2);
const files = given.length > 0
  ? given
  : readdirSync(distTest).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(distTest, f));

const r = spawnSync(process.execPath, [
  '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  `--test-reporter=${path.join(here, 'skip-summary.js')}`, '--test-reporter-destination=stderr',
  ...files,
], { stdio: 'inherit' });
process.exit(r.status ?? 1);
