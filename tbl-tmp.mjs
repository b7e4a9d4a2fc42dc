import Table from 'cli-table3';
function run(label, s) {
  const t0 = performance.now();
  const t = new Table({ colWidths: [8, 11, 24, 24, 7, 79], wordWrap: true, wrapOnWordBoundary: false, style: { head: [], border: [], compact: true } });
  t.push(['1', '0.1', 'a', 'b', 'MQTT', s]);
  t.toString();
  console.log(label, s.length, (performance.now() - t0).toFixed(1));
}
const base = 't'.repeat(3000);
for (const [name, ch] of [['ctl', '\u0001'], ['zwsp', '\u200b'], ['comb', '\u0301'], ['cjk', '中'], ['esc', '\u001b'], ['del', '\u007f'], ['c1', '\u0085'], ['nl', '\n'], ['tab', '\t'], ['bidi', '\u202e'], ['soft', '\u00ad'], ['fffd', '\ufffd']]) {
  run(name, base + ch + base);
}
run('plain65k', 't'.repeat(65535));
run('cjk-all', '中'.repeat(5000));
run('comb-all', 'e\u0301'.repeat(3000));
