/**
 * The "Diagnosis" section of the text output: each diagnosis (a `diag.*` finding) in one sentence with its frames,
 * then its usual causes and what to check; or, when there is none, one line saying all is well and what was checked.
 * Words come from src/diagnosis/words.ts (English or Bahasa Indonesia); this module only lays them out.
 */
import type { FindingEvent } from '../model/events.js';
import { FINDING_CODES, isFindingCode } from '../model/findings.js';
import { describeDiagnosis, type Lang } from '../diagnosis/words.js';
import { escapeTerminal } from './escape.js';
import type { Style } from './style.js';
import { displayWidth, wrapWords } from './text-layout.js';

const INDENT = 8;

/**
 * `text` as lines of at most `width` columns, wrapped at spaces, lines after the first indented by INDENT (unchanged
 * without a width); `paint` colours the first `head` characters and the last word once laid out.
 */
function hanging(text: string, width: number | undefined, paint: (line: string, first: boolean, last: boolean) => string, indentFirst = false): string {
  const lead = indentFirst ? ' '.repeat(INDENT) : '';
  if (width === undefined || displayWidth(text) + lead.length <= width) return `${lead}${paint(text, true, true)}\n`;
  const [first, ...rest] = wrapWords(text, displayWidth(text), Math.max(1, width - lead.length));
  const tail = rest.map((l) => l.text).join(' ');
  const more = tail === '' ? [] : wrapWords(tail, displayWidth(tail), Math.max(1, width - INDENT)).map((l) => `${' '.repeat(INDENT)}${l.text}`);
  const lines = [first!.text, ...more];
  return lines.map((line, i) => `${i === 0 ? lead : ''}${paint(line, i === 0, i === lines.length - 1)}\n`).join('');
}

const CHECKED: Record<Lang, string> = {
  en: 'All is well: checked that the broker was reachable and stayed up, CONNACK and SUBACK results, topics against subscriptions, keep-alive, client ids, QoS acknowledgements, TCP retransmissions and resets, and the capture itself.',
  id: 'Semua baik: sudah diperiksa bahwa broker dapat dijangkau dan tetap berjalan, hasil CONNACK dan SUBACK, kecocokan topik dengan subscription, keep-alive, client id, acknowledgement QoS, retransmisi dan reset TCP, serta capture itu sendiri.',
};

/**
 * No diagnosis, yet findings of warning level or above were printed: not all is well. `list` is e.g. "1 warning:
 * tcp.bad-checksum-dropped" or "2 errors and 1 warning: a, b, c".
 */
const NOT_ALL_WELL: Record<Lang, (list: string) => string> = {
  en: (list) => `Not all is well: no diagnosis matched, but the analysis found ${list} (see Findings above; \`--only finding\` lists them with their frames).`,
  id: (list) => `Tidak semuanya baik: tidak ada diagnosis yang cocok, tetapi analisis menemukan ${list} (lihat Findings di atas; \`--only finding\` menampilkannya beserta frame-nya).`,
};

const SEVERITY_WORDS: Record<Lang, (n: number, severity: 'error' | 'warning') => string> = {
  en: (n, severity) => `${n} ${severity}${n === 1 ? '' : 's'}`,
  id: (n, severity) => `${n} ${severity}`,
};

/**
 * The findings of warning level or above that are no diagnosis (by code, from the summary's `findings.byCode`), as
 * "2 errors and 1 warning: a, b, c"; undefined when none.
 */
function worryingFindings(byCode: Readonly<Record<string, number>>, lang: Lang): { list: string; severity: 'error' | 'warning' } | undefined {
  const counts = { error: 0, warning: 0 };
  const codes: string[] = [];
  for (const [code, n] of Object.entries(byCode)) {
    if (code.startsWith('diag.') || !isFindingCode(code)) continue;
    const severity = FINDING_CODES[code].severity;
    if (severity !== 'error' && severity !== 'warning') continue;
    counts[severity] += n;
    codes.push(code);
  }
  if (codes.length === 0) return undefined;
  const and = lang === 'id' ? ' dan ' : ' and ';
  const amounts = (['error', 'warning'] as const).filter((s) => counts[s] > 0).map((s) => SEVERITY_WORDS[lang](counts[s], s));
  return { list: `${amounts.join(and)}: ${codes.sort().join(', ')}`, severity: counts.error > 0 ? 'error' : 'warning' };
}

const LABELS: Record<Lang, { title: string; cause: string; check: string; frames: string }> = {
  en: { title: 'Diagnosis', cause: 'usual cause', check: 'check', frames: 'see' },
  id: { title: 'Diagnosis', cause: 'penyebab umum', check: 'periksa', frames: 'lihat' },
};

const MARK: Record<string, { text: string; colour: 'red' | 'yellow' | 'cyan' }> = {
  error: { text: 'error', colour: 'red' },
  warning: { text: 'warning', colour: 'yellow' },
  note: { text: 'note', colour: 'cyan' },
};

/**
 * The Diagnosis section for these findings (other findings are ignored). `findingsByCode` (the summary's
 * `findings.byCode`): without a diagnosis, a finding of warning level or above among them means not all is well, and
 * the section says so instead of "All is well".
 */
export function renderDiagnosis(findings: readonly FindingEvent[], style: Style, lang: Lang = 'en', width?: number,
  findingsByCode: Readonly<Record<string, number>> = {}): string {
  const l = LABELS[lang];
  const out = [`\n${style.paint(l.title, 'bold')}\n`];
  const order = { error: 0, warning: 1, note: 2 } as const;
  const described = findings
    .map((f) => ({ f, w: describeDiagnosis(f, lang) }))
    .filter((x): x is { f: FindingEvent; w: NonNullable<typeof x.w> } => x.w !== undefined)
    .sort((a, b) => order[a.f.severity] - order[b.f.severity] || a.f.frame - b.f.frame);
  if (described.length === 0) {
    const worrying = worryingFindings(findingsByCode, lang);
    if (worrying !== undefined) {
      const mark = MARK[worrying.severity]!;
      out.push(hanging(`${mark.text.padEnd(7)} ${NOT_ALL_WELL[lang](worrying.list)}`, width,
        (line, first) => (first ? `${style.paint(line.slice(0, 7), mark.colour)}${line.slice(7)}` : line)));
      return out.join('');
    }
    out.push(hanging(`✓ ${CHECKED[lang]}`, width, (line, first) => (first ? `${style.paint('✓', 'green')}${line.slice(1)}` : line)));
    return out.join('');
  }
  for (const { f, w } of described) {
    const mark = MARK[f.severity] ?? MARK['note']!;
    const code = `[${f.code}]`;
    out.push(hanging(`${mark.text.padEnd(7)} ${escapeTerminal(w.sentence)} (${l.frames} ${w.frames}) ${code}`, width, (line, first, last) => {
      const head = first ? `${style.paint(line.slice(0, 7), mark.colour)}${line.slice(7)}` : line;
      return last && head.endsWith(code) ? `${head.slice(0, -code.length)}${style.paint(code, 'gray')}` : head;
    }));
    const indented = (text: string): string => hanging(text, width, (line) => line, true);
    if (w.confidence !== undefined) out.push(indented(escapeTerminal(w.confidence)));
    if (w.causes.length > 0) out.push(indented(`${l.cause}: ${escapeTerminal(w.causes.join('; '))}`));
    if (w.checks.length > 0) out.push(indented(`${l.check}: ${escapeTerminal(w.checks.join('; '))}`));
  }
  return out.join('');
}
