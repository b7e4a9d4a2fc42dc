/**
 * What a rule's result is made of: the verdict, what was found against what was required, and the evidence — the
 * frames concerned and what each is ("frame 68: [TCP Retransmission] FIN 1883 → 40166"). Also the Judge interface
 * every rule kind implements. Pure words and small bounded lists; no output.
 */
import type { AnalysisSummary } from '../model/summary.js';
import type { TcpEvent, TimelineEvent } from '../model/events.js';

export interface Evidence {
  frame: number;
  /** What the frame is, or what is wrong with it. */
  what: string;
}

export interface Verdict {
  ok: boolean;
  /** What the capture shows ("3 matching events", "max 150.2 ms"). */
  found: string;
  /** What the rule asks ("at least 5", "max < 100 ms"). */
  required: string;
  evidence: Evidence[];
  /** Evidence items left out (only the first MAX_EVIDENCE are kept). */
  moreEvidence: number;
}

/** Judges one rule: sees every event as the analysis streams it, then gives its verdict. Bounded memory. */
export interface Judge {
  event(event: TimelineEvent): void;
  verdict(summary: AnalysisSummary): Verdict;
}

export const MAX_EVIDENCE = 10;

/** Keeps the first MAX_EVIDENCE items and counts the rest. */
export class EvidenceList {
  readonly items: Evidence[] = [];
  count = 0;

  add(frame: number, what: string | (() => string)): void {
    this.count++;
    if (this.items.length < MAX_EVIDENCE) this.items.push({ frame, what: typeof what === 'string' ? what : what() });
  }

  get more(): number {
    return this.count - this.items.length;
  }
}

function tcpWords(e: TcpEvent): string {
  const tags: string[] = [];
  if (e.retransmission === true) tags.push('[TCP Retransmission]');
  if (e.outOfOrder === true) tags.push('[TCP Out-Of-Order]');
  if (e.duplicateAck === true) tags.push('[TCP Dup ACK]');
  if (e.badChecksum === true) tags.push('[TCP CHECKSUM INCORRECT]');
  const ports = (label: string): string => label.slice(label.lastIndexOf(':') + 1);
  return `${tags.length > 0 ? `${tags.join(' ')} ` : ''}${e.type}${e.len > 0 ? ` Len=${e.len}` : ''} ${ports(e.src)} → ${ports(e.dst)} (tcp.stream ${e.stream})`;
}

/** One event in words, for evidence. */
export function describeEvent(e: TimelineEvent): string {
  if (e.kind === 'finding') return `${e.code}: ${e.summary}`;
  if (e.kind === 'packet' && e.layer === 'tcp') return tcpWords(e);
  if (e.kind === 'packet' && e.layer === 'mqtt') return `${e.type} ${e.src} → ${e.dst}: ${e.summary}`;
  return e.summary !== '' ? e.summary : `${e.layer} ${e.type}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
