/**
 * Presence and counts: `expect` (at least `min`, at most `max` matching events) and `forbid` (at most `max`, default
 * none). Counts as events stream by; keeps the first few matching frames as evidence.
 */
import type { TimelineEvent } from '../../model/events.js';
import { describeEvent, EvidenceList, plural, type Judge, type Verdict } from '../evidence.js';
import { compilePattern, type EventPredicate } from '../pattern.js';
import type { ExpectRule, ForbidRule } from '../rules.js';

export class CountJudge implements Judge {
  private readonly test: EventPredicate;
  private readonly matched = new EvidenceList();

  constructor(private readonly rule: ExpectRule | ForbidRule) {
    this.test = compilePattern(rule.match);
  }

  event(event: TimelineEvent): void {
    if (this.test(event)) this.matched.add(event.frame, () => describeEvent(event));
  }

  verdict(): Verdict {
    const n = this.matched.count;
    const found = plural(n, 'matching event');
    const evidence = { evidence: this.matched.items, moreEvidence: this.matched.more };
    if (this.rule.kind === 'forbid') {
      return { ok: n <= this.rule.max, found, required: this.rule.max === 0 ? 'none' : `at most ${this.rule.max}`, ...evidence };
    }
    const { min, max } = this.rule;
    return { ok: n >= min && (max === undefined || n <= max), found,
      required: max === undefined ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`, ...evidence };
  }
}
