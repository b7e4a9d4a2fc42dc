/**
 * Judges a capture against Rules as an analysis sink: hands every event to one judge per rule (src/check/judges),
 * then, with the summary, collects one RuleResult per rule, in the rules' order. Streaming, bounded memory; it
 * prints nothing (views/check-report.ts and friends do).
 */
import type { TimelineEvent } from '../model/events.js';
import type { AnalysisSink } from '../model/sink.js';
import type { AnalysisSummary } from '../model/summary.js';
import type { Judge, Verdict } from './evidence.js';
import { AcknowledgedJudge, ForwardedJudge } from './judges/delivery.js';
import { DiagnosisJudge } from './judges/diagnosis.js';
import { HealthJudge } from './judges/health.js';
import { OrderJudge } from './judges/order.js';
import { CountJudge } from './judges/presence.js';
import { LatencyJudge, RateJudge } from './judges/timing.js';
import { categoryOf, type Rule, type RuleCategory, type RulePlace } from './rules.js';

export type { Evidence } from './evidence.js';

/** The verdict on one rule for one capture. */
export interface RuleResult extends Verdict {
  name: string;
  kind: Rule['kind'];
  category: RuleCategory;
  place?: RulePlace;
}

function judgeOf(rule: Rule): Judge {
  switch (rule.kind) {
    case 'expect': case 'forbid': return new CountJudge(rule);
    case 'order': return new OrderJudge(rule);
    case 'acknowledged': return new AcknowledgedJudge(rule);
    case 'forwarded': return new ForwardedJudge(rule);
    case 'latency': return new LatencyJudge(rule);
    case 'rate': return new RateJudge(rule);
    case 'health': return new HealthJudge(rule);
    case 'diagnosis': return new DiagnosisJudge(rule);
  }
}

export class CheckEvaluator implements AnalysisSink {
  private readonly judges: Judge[];
  private summary: AnalysisSummary | undefined;

  constructor(private readonly rules: Rule[]) {
    this.judges = rules.map(judgeOf);
  }

  event(event: TimelineEvent): void {
    for (const judge of this.judges) judge.event(event);
  }

  end(summary: AnalysisSummary): void {
    this.summary = summary;
  }

  /** One result per rule; `summary` defaults to the one given to end(). */
  results(summary: AnalysisSummary | undefined = this.summary): RuleResult[] {
    if (summary === undefined) throw new Error('CheckEvaluator.results before the end of the analysis');
    return this.rules.map((rule, i) => ({
      name: rule.name, kind: rule.kind, category: categoryOf(rule),
      ...(rule.place !== undefined ? { place: rule.place } : {}),
      ...this.judges[i]!.verdict(summary),
    }));
  }
}

/** The verdict on one capture: its rules' results, or why it could not be read. */
export interface CaptureVerdict {
  file: string;
  /** One per rule, in the rules' order (empty when unreadable). */
  results: RuleResult[];
  /** Set when the capture could not be read (exit 2). */
  error?: string;
  /** Seconds the analysis took. */
  seconds: number;
}

export interface CheckTotals {
  captures: number;
  unreadable: number;
  rules: number;
  passed: number;
  failed: number;
}

export function totalsOf(verdicts: CaptureVerdict[]): CheckTotals {
  const results = verdicts.flatMap((v) => v.results);
  const failed = results.filter((r) => !r.ok).length;
  return { captures: verdicts.length, unreadable: verdicts.filter((v) => v.error !== undefined).length, rules: results.length, passed: results.length - failed, failed };
}

/** 0 every rule holds on every capture, 1 a rule failed, 2 a capture could not be read. */
export function exitCodeOf(verdicts: CaptureVerdict[]): 0 | 1 | 2 {
  const totals = totalsOf(verdicts);
  return totals.unreadable > 0 ? 2 : totals.failed > 0 ? 1 : 0;
}
