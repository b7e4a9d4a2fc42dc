/**
 * Evaluates a CheckSpec against a capture's events and summary: counts the events each rule matches (streaming,
 * constant memory), then judges counts and latency bounds. Pattern keys compare with the event's field of that name;
 * "topic" accepts MQTT wildcards, "payload" compares the payload's text, "forwarded"/"answered" test whether the event
 * was linked to its source/request, and the value "*" asks only that the field be present. It prints nothing (views/check-report.ts does).
 */
import { topicMatches } from '../mqtt/topic.js';
import type { TimelineEvent } from '../model/events.js';
import type { AnalysisSummary } from '../model/summary.js';
import type { CheckSpec, EventPattern, ExpectRule } from './spec.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, in words ("3 events", "max 12.1 ms"). */
  found: string;
  /** What was required. */
  required: string;
  /** First frames that matched (forbid rules: the offending frames). */
  frames: number[];
}

const MAX_FRAMES = 10;

function matches(event: TimelineEvent, pattern: EventPattern): boolean {
  const e = event as unknown as Record<string, unknown>;
  for (const [key, want] of Object.entries(pattern)) {
    switch (key) {
      case 'topic': {
        const topic = e['topic'];
        if (typeof topic !== 'string' || typeof want !== 'string') return false;
        if (!(want === topic || ((want.includes('+') || want.includes('#')) && topicMatches(want, topic)))) return false;
        break;
      }
      case 'payload': {
        const payload = e['payload'] as { text?: string; hex?: string } | undefined;
        if (payload === undefined || (payload.text ?? payload.hex) !== want) return false;
        break;
      }
      case 'forwarded':
        if ((e['sourceFrame'] !== undefined) !== want) return false;
        break;
      case 'answered':
        if ((e['requestFrame'] !== undefined) !== want) return false;
        break;
      default:
        // "*" asks only that the field be present.
        if (want === '*' ? e[key] === undefined : e[key] !== want) return false;
    }
  }
  return true;
}

function ruleName(rule: ExpectRule): string {
  return rule.name ?? JSON.stringify(rule.match);
}

export class CheckEvaluator {
  private readonly expectCounts: number[];
  private readonly expectFrames: number[][];
  private readonly forbidCounts: number[];
  private readonly forbidFrames: number[][];

  constructor(private readonly spec: CheckSpec) {
    this.expectCounts = spec.expect.map(() => 0);
    this.expectFrames = spec.expect.map(() => []);
    this.forbidCounts = spec.forbid.map(() => 0);
    this.forbidFrames = spec.forbid.map(() => []);
  }

  event(event: TimelineEvent): void {
    this.spec.expect.forEach((rule, i) => {
      if (!matches(event, rule.match)) return;
      this.expectCounts[i]!++;
      const frames = this.expectFrames[i]!;
      if (frames.length < MAX_FRAMES) frames.push(event.frame);
    });
    this.spec.forbid.forEach((rule, i) => {
      if (!matches(event, rule.match)) return;
      this.forbidCounts[i]!++;
      const frames = this.forbidFrames[i]!;
      if (frames.length < MAX_FRAMES) frames.push(event.frame);
    });
  }

  results(summary: AnalysisSummary): CheckResult[] {
    const out: CheckResult[] = [];
    this.spec.expect.forEach((rule, i) => {
      const n = this.expectCounts[i]!;
      const min = rule.min ?? 1;
      const ok = n >= min && (rule.max === undefined || n <= rule.max);
      out.push({ name: `expect ${ruleName(rule)}`, ok, found: `${n} event(s)`,
        required: rule.max === undefined ? `>= ${min}` : `${min}..${rule.max}`, frames: this.expectFrames[i]! });
    });
    this.spec.forbid.forEach((rule, i) => {
      const n = this.forbidCounts[i]!;
      const allowed = rule.max ?? 0;
      out.push({ name: `forbid ${ruleName(rule)}`, ok: n <= allowed, found: `${n} event(s)`, required: `<= ${allowed}`, frames: this.forbidFrames[i]! });
    });
    for (const [kind, bound] of Object.entries(this.spec.latency)) {
      const stats = kind === 'forwarding' ? summary.mqtt.forwarding : summary.mqtt.latency[kind];
      const parts: Array<[string, number | undefined, number | undefined]> = [
        ['max', bound.maxMs, stats?.maxMs], ['median', bound.medianMs, stats?.medianMs], ['p95', bound.p95Ms, stats?.p95Ms],
      ];
      const count = stats?.count ?? 0;
      let ok = count >= (bound.min ?? 1);
      const required: string[] = [`count >= ${bound.min ?? 1}`];
      const found: string[] = [`count ${count}`];
      for (const [label, limit, value] of parts) {
        if (limit === undefined) continue;
        required.push(`${label} <= ${limit} ms`);
        found.push(`${label} ${value === undefined ? '-' : value.toFixed(3)} ms`);
        if (value === undefined || value > limit) ok = false;
      }
      out.push({ name: `latency ${kind}`, ok, found: found.join(', '), required: required.join(', '), frames: [] });
    }
    return out;
  }
}
