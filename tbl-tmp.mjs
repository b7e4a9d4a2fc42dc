import Table from 'cli-table3';
import { analyzeCapture } from './dist/src/index.js';
import { loadSources, makeCase } from './dist/test/fuzz/harness.js';
import { Readable } from 'node:stream';
const c = makeCase(loadSources(), 10032560);
const a = await analyzeCapture(Readable.from([c.data]), {});
const e = a.events.find((x) => x.summary.length > 8000);
const s = e.summary;
const i = [...s].findIndex((ch) => ch.codePointAt(0) < 32); console.log('ctl at', i, JSON.stringify(s.slice(i - 5, i + 40)), s.length);
for (const n of [4000, 6000, 8217]) {
  const t0 = performance.now();
  const t = new Table({ colWidths: [8, 11, 24, 24, 7, 79], wordWrap: true, wrapOnWordBoundary: false, style: { head: [], border: [], compact: true } });
  t.push(['1', '0.1', 'a', 'b', 'MQTT', s.slice(0, n)]);
  t.toString();
  console.log(n, (performance.now() - t0).toFixed(1));
}
