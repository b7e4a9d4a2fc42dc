// Regenerates docs/findings.md from the finding catalogue (src/model/findings.ts). Run after `npm run build`:
//   node scripts/findings-doc.mjs
import { writeFileSync } from 'node:fs';
import { FINDING_CODES } from '../dist/src/model/findings.js';

let text = '# Finding codes\n\nA finding is data: it is reported on the timeline with its frame number and the analysis goes on. Codes are stable.\n'
  + 'This list is generated from `src/model/findings.ts` by `node scripts/findings-doc.mjs` and checked by `test/docs.test.ts`.\n\n'
  + '| code | severity | meaning |\n|---|---|---|\n';
for (const [code, { severity, text: meaning }] of Object.entries(FINDING_CODES)) text += `| \`${code}\` | ${severity} | ${meaning} |\n`;
writeFileSync(new URL('../docs/findings.md', import.meta.url), text);
