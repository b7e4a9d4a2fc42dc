/**
 * Delivery: every QoS ≥ 1 PUBLISH acknowledged (PUBACK for QoS 1, PUBREC for QoS 2, same connection, opposite
 * direction, same packet id), and every PUBLISH a client sends forwarded by its broker to each client subscribed to
 * a matching filter (a subscription counts from its SUBACK granting it until UNSUBSCRIBE, DISCONNECT, FIN or RST;
 * a forwarded copy is recognised by the analysis' fan-out link, `sourceFrame`; the members of a shared subscription
 * group, `$share/group/filter`, are owed one copy between them, as the broker gives each message to one member).
 * Memory: pending publishes and
 * subscriptions, each bounded; a publish still unforwarded after the fan-out window (30 s of capture time) counts
 * as missed then.
 */
import type { MqttEvent, MqttSubscription, TimelineEvent } from '../../model/events.js';
import { sharedSubscriptionPrefix, topicMatches } from '../../mqtt/topic.js';
import { EvidenceList, plural, type Judge, type Verdict } from '../evidence.js';
import { compilePattern, type EventPredicate } from '../pattern.js';
import type { AcknowledgedRule, ForwardedRule } from '../rules.js';

const MAX_PENDING = 20_000;
/** The analysis links a forwarded copy to its source within this much capture time (src/mqtt/fanout.ts). */
const FANOUT_WINDOW_SECONDS = 30;

function mqtt(event: TimelineEvent): MqttEvent | undefined {
  return event.kind === 'packet' && event.layer === 'mqtt' && event.malformed === undefined ? event : undefined;
}

function publishWords(e: MqttEvent): string {
  return `PUBLISH ${e.topic ?? '?'} QoS ${e.qos ?? 0}${e.packetId !== undefined ? ` id=${e.packetId}` : ''} ${e.src} → ${e.dst}`;
}

export class AcknowledgedJudge implements Judge {
  private readonly test: EventPredicate | undefined;
  /** "stream:direction:packetId" → the PUBLISH awaiting its acknowledgement. */
  private readonly pending = new Map<string, MqttEvent>();
  private total = 0;
  private untracked = 0;

  constructor(private readonly rule: AcknowledgedRule) {
    this.test = rule.match !== undefined ? compilePattern(rule.match) : undefined;
  }

  event(event: TimelineEvent): void {
    const e = mqtt(event);
    if (e === undefined) return;
    if (e.type === 'PUBLISH' && (e.qos ?? 0) >= 1 && e.packetId !== undefined && (this.test === undefined || this.test(e))) {
      const key = `${e.stream}:${e.direction}:${e.packetId}`;
      if (!this.pending.has(key)) this.total++;
      if (this.pending.size >= MAX_PENDING) { this.untracked++; return; }
      this.pending.set(key, e);
    } else if ((e.type === 'PUBACK' || e.type === 'PUBREC') && e.packetId !== undefined) {
      const key = `${e.stream}:${e.direction === 'client' ? 'server' : 'client'}:${e.packetId}`;
      const publish = this.pending.get(key);
      if (publish !== undefined && (publish.qos === 1) === (e.type === 'PUBACK')) this.pending.delete(key);
    }
  }

  verdict(): Verdict {
    const missed = new EvidenceList();
    for (const p of this.pending.values()) {
      missed.add(p.frame, `${publishWords(p)} never got its ${p.qos === 1 ? 'PUBACK' : 'PUBREC'}`);
    }
    const acknowledged = this.total - this.pending.size - this.untracked;
    return { ok: missed.count <= this.rule.allow, found: `${acknowledged} of ${this.total} QoS ≥ 1 PUBLISH packets acknowledged`,
      required: this.rule.allow === 0 ? 'all' : `all but ${this.rule.allow}`, evidence: missed.items, moreEvidence: missed.more };
  }
}

interface Subscriber {
  stream: number;
  broker: string;
  client: string;
  /** Granted filters → frame of the SUBSCRIBE and whether the client asked not to get its own messages. */
  filters: Map<string, { frame: number; noLocal: boolean }>;
  /** SUBSCRIBEs awaiting their SUBACK, by packet id. */
  asked: Map<number, { frame: number; subscriptions: MqttSubscription[] }>;
}

/** Who is owed a copy: a subscriber's stream, or a shared subscription group ("broker filter", one copy for all its members). */
type Owed = number | string;

interface Publication {
  event: MqttEvent;
  /** Streams and shared groups still owed a copy → who (words), the filter that makes them owed one, its SUBSCRIBE. */
  owed: Map<Owed, { client: string; filter: string; frame: number }>;
}

/** The key of the shared subscription group of `filter` on `broker`. */
function groupKey(broker: string, filter: string): string {
  return `${broker} ${filter}`;
}

export class ForwardedJudge implements Judge {
  private readonly test: EventPredicate | undefined;
  private readonly subscribers = new Map<number, Subscriber>();
  private readonly pending = new Map<number, Publication>();
  private readonly missed = new EvidenceList();
  private owed = 0;

  constructor(private readonly rule: ForwardedRule) {
    this.test = rule.match !== undefined ? compilePattern(rule.match) : undefined;
  }

  event(event: TimelineEvent): void {
    if (event.kind === 'packet' && event.layer === 'tcp' && (event.type === 'FIN' || event.type === 'RST')) {
      this.subscribers.delete(event.stream);
      return;
    }
    const e = mqtt(event);
    if (e === undefined) return;
    this.expire(e.time);
    if (e.direction === 'client') this.fromClient(e);
    else this.fromBroker(e);
  }

  private subscriber(e: MqttEvent): Subscriber {
    let s = this.subscribers.get(e.stream);
    if (s === undefined) {
      s = { stream: e.stream, broker: e.direction === 'client' ? e.dst : e.src, client: e.direction === 'client' ? e.src : e.dst, filters: new Map(), asked: new Map() };
      if (this.subscribers.size >= MAX_PENDING) this.subscribers.delete(this.subscribers.keys().next().value!);
      this.subscribers.set(e.stream, s);
    }
    return s;
  }

  private fromClient(e: MqttEvent): void {
    switch (e.type) {
      case 'SUBSCRIBE':
        if (e.packetId !== undefined && e.subscriptions !== undefined) {
          const s = this.subscriber(e);
          if (s.asked.size < 1024) s.asked.set(e.packetId, { frame: e.frame, subscriptions: e.subscriptions });
        }
        break;
      case 'UNSUBSCRIBE':
        for (const filter of e.unsubscriptions ?? []) this.subscribers.get(e.stream)?.filters.delete(filter);
        break;
      case 'DISCONNECT':
        this.subscribers.delete(e.stream);
        break;
      case 'PUBLISH': {
        if (e.topic === undefined || (this.test !== undefined && !this.test(e))) return;
        const owed = new Map<Owed, { client: string; filter: string; frame: number }>();
        for (const s of this.subscribers.values()) {
          if (s.broker !== e.dst) continue;
          for (const [filter, sub] of s.filters) {
            if ((s.stream === e.stream && sub.noLocal) || !topicMatches(filter, e.topic)) continue;
            const shared = sharedSubscriptionPrefix(filter);
            if (shared !== '') {
              // One copy for the whole group, whichever member gets it; the member that subscribed first is named.
              const key = groupKey(s.broker, filter);
              const group = shared.slice(7, -1);
              if (!owed.has(key)) owed.set(key, { client: `any member of shared group "${group}"`, filter, frame: sub.frame });
            } else if (!owed.has(s.stream)) owed.set(s.stream, { client: s.client, filter, frame: sub.frame });
          }
        }
        if (owed.size === 0) return;
        this.owed += owed.size;
        if (this.pending.size >= MAX_PENDING) this.settle(this.pending.keys().next().value!);
        const existing = this.pending.get(e.frame);
        if (existing !== undefined) for (const [k, v] of owed) existing.owed.set(k, v);
        else this.pending.set(e.frame, { event: e, owed });
        break;
      }
      default:
        break;
    }
  }

  private fromBroker(e: MqttEvent): void {
    if (e.type === 'SUBACK' && e.packetId !== undefined) {
      const s = this.subscribers.get(e.stream);
      const asked = s?.asked.get(e.packetId);
      if (s === undefined || asked === undefined) return;
      s.asked.delete(e.packetId);
      const granted = e.grantedQos ?? e.reasonCodes ?? [];
      asked.subscriptions.forEach((sub, i) => {
        const code = granted[i];
        if (code !== undefined && code < 0x80 && s.filters.size < 1024) s.filters.set(sub.topic, { frame: asked.frame, noLocal: sub.noLocal === true });
      });
    } else if (e.type === 'PUBLISH' && e.sourceFrame !== undefined) {
      const publication = this.pending.get(e.sourceFrame);
      if (publication === undefined) return;
      // The copy of the subscriber's own subscription, else of a shared group it belongs to whose filter matches.
      if (!publication.owed.delete(e.stream) && e.topic !== undefined) {
        const s = this.subscribers.get(e.stream);
        if (s !== undefined) {
          for (const filter of s.filters.keys()) {
            if (sharedSubscriptionPrefix(filter) !== '' && topicMatches(filter, e.topic) && publication.owed.delete(groupKey(s.broker, filter))) break;
          }
        }
      }
      if (publication.owed.size === 0) this.pending.delete(e.sourceFrame);
    }
  }

  /** Publishes older than the fan-out window can no longer be linked: what they are still owed is missed. */
  private expire(now: number): void {
    for (const [frame, p] of this.pending) {
      if (now - p.event.time <= FANOUT_WINDOW_SECONDS) break;
      this.settle(frame);
    }
  }

  private settle(frame: number): void {
    const p = this.pending.get(frame);
    if (p === undefined) return;
    this.pending.delete(frame);
    for (const owed of p.owed.values()) {
      this.missed.add(p.event.frame, `${publishWords(p.event)} not forwarded to ${owed.client} (subscribed to ${owed.filter} in frame ${owed.frame})`);
    }
  }

  verdict(): Verdict {
    for (const frame of [...this.pending.keys()]) this.settle(frame);
    const missed = this.missed.count;
    return { ok: missed <= this.rule.allow, found: `${this.owed - missed} of ${plural(this.owed, 'copy')} forwarded`.replace('copys', 'copies'),
      required: this.rule.allow === 0 ? 'all' : `all but ${this.rule.allow}`, evidence: this.missed.items, moreEvidence: this.missed.more };
  }
}
