/**
 * Diagnosis and finding codes: `forbid` (no finding with this code, or under "prefix.*") and `require` (at least one).
 * Counts findings as they stream by.
 */
import type { TimelineEvent } from '../../model/events.js';
import { EvidenceList, plural, type Judge, type Verdict } from '../evidence.js';
import type { DiagnosisRule } from '../rules.js';

export class DiagnosisJudge implements Judge {
  private readonly found = new EvidenceList();
  private readonly matches: (code: string) => boolean;

  constructor(private readonly rule: DiagnosisRule) {
    const prefix = rule.code.endsWith('.*') ? rule.code.slice(0, -1) : undefined;
    this.matches = prefix !== undefined ? (code) => code.startsWith(prefix) : (code) => code === rule.code;
  }

  event(event: TimelineEvent): void {
    if (event.kind === 'finding' && this.matches(event.code)) this.found.add(event.frame, () => `${event.code}: ${event.summary}`);
  }

  verdict(): Verdict {
    const n = this.found.count;
    const ok = this.rule.mode === 'forbid' ? n === 0 : n > 0;
    return { ok, found: plural(n, `${this.rule.code} finding`), required: this.rule.mode === 'forbid' ? 'none' : 'at least 1',
      evidence: this.found.items, moreEvidence: this.found.more };
  }
}
