/**
 * The rules a capture is judged against, once read and validated (load.ts, one-line.ts): one Rule per result in the
 * report. Types only; evaluate.ts judges them, views print their results.
 */

/** Where a rule was written: file, line and column (1-based), when it came from a file. */
export interface RulePlace {
  file: string;
  line: number;
  column: number;
}

/** An event pattern as written (validated against the schema); pattern.ts compiles it. */
export type EventPattern = Record<string, unknown>;

/** Kinds of rule, as docs/checks.md groups them. */
export type RuleCategory = 'presence' | 'order' | 'delivery' | 'timing' | 'health' | 'diagnosis';

export type HealthCheck = 'retransmissions' | 'gaps' | 'malformed' | 'resets' | 'unanswered';

interface RuleBase {
  /** The rule's name in the report. */
  name: string;
  place?: RulePlace;
}

export interface ExpectRule extends RuleBase { kind: 'expect'; match: EventPattern; min: number; max?: number }
export interface ForbidRule extends RuleBase { kind: 'forbid'; match: EventPattern; max: number }
export interface OrderRule extends RuleBase { kind: 'order'; first: EventPattern; then: EventPattern }
export interface AcknowledgedRule extends RuleBase { kind: 'acknowledged'; match?: EventPattern; allow: number }
export interface ForwardedRule extends RuleBase { kind: 'forwarded'; match?: EventPattern; allow: number }
export interface LatencyRule extends RuleBase {
  kind: 'latency';
  /** "CONNECT→CONNACK"... as in summary.mqtt.latency, "forwarding", or "request-response" (summary.mqtt.requestResponse). */
  of: string;
  maxMs?: number;
  medianMs?: number;
  p95Ms?: number;
  /** At least this many samples. */
  min: number;
}
export interface RateRule extends RuleBase {
  kind: 'rate';
  match: EventPattern;
  maxPerSecond?: number;
  minPerSecond?: number;
  windowSeconds: number;
}
export interface HealthRule extends RuleBase { kind: 'health'; check: HealthCheck; allow: number }
export interface DiagnosisRule extends RuleBase {
  kind: 'diagnosis';
  mode: 'forbid' | 'require';
  /** A finding code, or a prefix ending in ".*". */
  code: string;
}

export type Rule = ExpectRule | ForbidRule | OrderRule | AcknowledgedRule | ForwardedRule | LatencyRule | RateRule | HealthRule | DiagnosisRule;

export function categoryOf(rule: Rule): RuleCategory {
  switch (rule.kind) {
    case 'expect': case 'forbid': return 'presence';
    case 'order': return 'order';
    case 'acknowledged': case 'forwarded': return 'delivery';
    case 'latency': case 'rate': return 'timing';
    case 'health': return 'health';
    case 'diagnosis': return 'diagnosis';
  }
}

/** A problem in a rules file or a one-line rule: what is wrong and where. */
export interface RuleProblem {
  message: string;
  /** "rules.yaml", "--expect"... */
  source: string;
  line?: number;
  column?: number;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.source}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.message}`;
}
