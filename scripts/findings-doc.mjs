// Regenerates docs/findings.md from the finding catalogue (src/model/findings.ts). Run after `npm run build`:
//   node scripts/findings-doc.mjs
import { writeFileSync } from 'node:fs';
import { FINDING_CODES } from '../dist/src/model/findings.js';

let text = '# Finding codes\n\nA finding is data: it is reported on the timeline with its frame number and the analysis goes on. Codes are stable.\n'
  + 'This list is generated from `src/model/findings.ts` by `node scripts/findings-doc.mjs` and checked by `test/docs.test.ts`.\n\n'
  + 'Repeated findings are folded: of the findings of one code on one connection (or, without a connection, in the capture), the first 3 are reported one by one and the rest as one finding with `evidence` (`count`, `firstFrame`, `lastFrame`, the first 20 `frames`), reported when the connection ends or at the end of the capture (`src/analysis/finding-fold.ts`). The summary\'s counts (`findings.byCode`) count every one. Diagnoses (`diag.*`) are never folded.\n\n'
  + '| code | severity | meaning |\n|---|---|---|\n';
for (const [code, { severity, text: meaning }] of Object.entries(FINDING_CODES)) text += `| \`${code}\` | ${severity} | ${meaning} |\n`;
writeFileSync(new URL('../docs/findings.md', import.meta.url), text);
