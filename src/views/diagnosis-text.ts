/**
 * The "Diagnosis" section of the text output: each diagnosis (a `diag.*` finding) in one sentence with its frames,
 * then its usual causes and what to check; or, when there is none, one line saying all is well and what was checked.
 * Words come from src/diagnosis/words.ts (English or Bahasa Indonesia); this module only lays them out.
 */
import type { FindingEvent } from '../model/events.js';
import { describeDiagnosis, type Lang } from '../diagnosis/words.js';
import { escapeTerminal } from './escape.js';
import type { Style } from './style.js';

const CHECKED: Record<Lang, string> = {
  en: 'All is well: checked that the broker was reachable and stayed up, CONNACK and SUBACK results, topics against subscriptions, keep-alive, client ids, QoS acknowledgements, TCP retransmissions and resets, and the capture itself.',
  id: 'Semua baik: sudah diperiksa bahwa broker dapat dijangkau dan tetap berjalan, hasil CONNACK dan SUBACK, kecocokan topik dengan subscription, keep-alive, client id, acknowledgement QoS, retransmisi dan reset TCP, serta capture itu sendiri.',
};

const LABELS: Record<Lang, { title: string; cause: string; check: string; frames: string }> = {
  en: { title: 'Diagnosis', cause: 'usual cause', check: 'check', frames: 'see' },
  id: { title: 'Diagnosis', cause: 'penyebab umum', check: 'periksa', frames: 'lihat' },
};

const MARK: Record<string, { text: string; colour: 'red' | 'yellow' | 'cyan' }> = {
  error: { text: 'error', colour: 'red' },
  warning: { text: 'warning', colour: 'yellow' },
  note: { text: 'note', colour: 'cyan' },
};

/** The Diagnosis section for these findings (other findings are ignored). */
export function renderDiagnosis(findings: readonly FindingEvent[], style: Style, lang: Lang = 'en'): string {
  const l = LABELS[lang];
  const out = [`\n${style.paint(l.title, 'bold')}\n`];
  const order = { error: 0, warning: 1, note: 2 } as const;
  const described = findings
    .map((f) => ({ f, w: describeDiagnosis(f, lang) }))
    .filter((x): x is { f: FindingEvent; w: NonNullable<typeof x.w> } => x.w !== undefined)
    .sort((a, b) => order[a.f.severity] - order[b.f.severity] || a.f.frame - b.f.frame);
  if (described.length === 0) {
    out.push(`${style.paint('✓', 'green')} ${CHECKED[lang]}\n`);
    return out.join('');
  }
  for (const { f, w } of described) {
    const mark = MARK[f.severity] ?? MARK['note']!;
    out.push(`${style.paint(mark.text.padEnd(7), mark.colour)} ${escapeTerminal(w.sentence)} (${l.frames} ${w.frames}) ${style.paint(`[${f.code}]`, 'gray')}\n`);
    if (w.confidence !== undefined) out.push(`        ${escapeTerminal(w.confidence)}\n`);
    if (w.causes.length > 0) out.push(`        ${l.cause}: ${escapeTerminal(w.causes.join('; '))}\n`);
    if (w.checks.length > 0) out.push(`        ${l.check}: ${escapeTerminal(w.checks.join('; '))}\n`);
  }
  return out.join('');
}
