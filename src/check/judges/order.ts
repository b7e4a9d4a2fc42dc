/**
 * Order: the first event matching `first` comes before the first event matching `then` (by frame number: the
 * analysis may emit events held behind a TCP hole late). Holds when nothing matches `then`. Keeps two events.
 */
import type { TimelineEvent } from '../../model/events.js';
import { describeEvent, type Judge, type Verdict } from '../evidence.js';
import { compilePattern, formatPattern, type EventPredicate } from '../pattern.js';
import type { OrderRule } from '../rules.js';

export class OrderJudge implements Judge {
  private readonly first: EventPredicate;
  private readonly then: EventPredicate;
  private firstSeen: TimelineEvent | undefined;
  private thenSeen: TimelineEvent | undefined;

  constructor(private readonly rule: OrderRule) {
    this.first = compilePattern(rule.first);
    this.then = compilePattern(rule.then);
  }

  event(event: TimelineEvent): void {
    if (this.first(event) && (this.firstSeen === undefined || event.frame < this.firstSeen.frame)) this.firstSeen = event;
    if (this.then(event) && (this.thenSeen === undefined || event.frame < this.thenSeen.frame)) this.thenSeen = event;
  }

  verdict(): Verdict {
    const a = this.firstSeen;
    const b = this.thenSeen;
    const ok = b === undefined || (a !== undefined && a.frame < b.frame);
    const where = (e: TimelineEvent | undefined, p: string): string => (e === undefined ? `no ${p}` : `first ${p} in frame ${e.frame}`);
    const evidence = [a, b].filter((e): e is TimelineEvent => e !== undefined).sort((x, y) => x.frame - y.frame)
      .map((e) => ({ frame: e.frame, what: `${e === a ? 'first' : 'then'}: ${describeEvent(e)}` }));
    return { ok, found: `${where(a, formatPattern(this.rule.first))}, ${where(b, formatPattern(this.rule.then))}`,
      required: `${formatPattern(this.rule.first)} before the first ${formatPattern(this.rule.then)}`, evidence, moreEvidence: 0 };
  }
}
