/**
 * What an MQTT 5 broker's CONNACK allowed its client (Topic Alias Maximum, Retain Available, Maximum QoS) and what the
 * client's last PUBLISH used, so that a publish the broker refused by disconnecting with 0x94 (topic alias invalid),
 * 0x9A (retain not supported) or 0x9B (QoS not supported) is explained by the promise the client broke, with the
 * numbers. Absent properties take MQTT 5's defaults (no alias, retain available, QoS 2). Bounded: MAX_STREAMS
 * connections. It decides nothing on its own and emits nothing; diag.publish-refused (qos.ts) asks it.
 */
import type { MqttEvent } from '../model/events.js';
import type { FactValue } from './types.js';

export const MAX_STREAMS = 100_000;

interface Allowed {
  /** From the CONNACK, when it was seen. */
  connack?: { topicAliasMaximum: number; retainAvailable: boolean; maximumQos: number };
  /** The client's last PUBLISH (refilled by each one). */
  last?: { topicAlias: number | undefined; retain: boolean; qos: number };
}

/** The facts, causes and checks of a refusal the CONNACK explains. */
export interface NotAllowed {
  facts: Record<string, FactValue>;
  causes: string[];
  checks: string[];
}

export class ConnackAllowed {
  private readonly streams = new Map<number, Allowed>();

  event(e: MqttEvent): void {
    if (e.type === 'CONNACK' && e.direction === 'server' && e.protocolVersion === 5) {
      const p = e.properties ?? {};
      const alias = p['topicAliasMaximum'];
      const retain = p['retainAvailable'];
      const qos = p['maximumQoS'];
      this.stream(e.stream).connack = {
        topicAliasMaximum: typeof alias === 'number' ? alias : 0,
        retainAvailable: retain !== false && retain !== 0,
        maximumQos: typeof qos === 'number' ? qos : 2,
      };
    } else if (e.type === 'PUBLISH' && e.direction === 'client' && this.streams.has(e.stream)) {
      const a = this.stream(e.stream);
      if (a.last === undefined) a.last = { topicAlias: e.topicAlias, retain: e.retain === true, qos: e.qos ?? 0 };
      else { a.last.topicAlias = e.topicAlias; a.last.retain = e.retain === true; a.last.qos = e.qos ?? 0; }
    } else if (e.type === 'CONNECT') this.streams.delete(e.stream);
  }

  private stream(stream: number): Allowed {
    let a = this.streams.get(stream);
    if (a === undefined) {
      if (this.streams.size >= MAX_STREAMS) {
        const oldest = this.streams.keys().next();
        if (oldest.done !== true) this.streams.delete(oldest.value);
      }
      a = {};
      this.streams.set(stream, a);
    }
    return a;
  }

  /** Why the broker refused the client's last PUBLISH on `stream` with `code`, when its CONNACK had said so. */
  explain(stream: number, code: number): NotAllowed | undefined {
    const a = this.streams.get(stream);
    const c = a?.connack;
    const last = a?.last;
    if (c === undefined || last === undefined) return undefined;
    if (code === 0x94 && last.topicAlias !== undefined && last.topicAlias > c.topicAliasMaximum) {
      return {
        facts: { topicAlias: last.topicAlias, topicAliasMaximum: c.topicAliasMaximum },
        causes: [c.topicAliasMaximum === 0 ? 'topic-alias-not-allowed' : 'topic-alias-over-maximum'], checks: ['client-topic-alias', 'connack-allowed'],
      };
    }
    if (code === 0x9a && last.retain && !c.retainAvailable) {
      return { facts: { retainAvailable: false }, causes: ['retain-not-available'], checks: ['retain-flag', 'connack-allowed'] };
    }
    if (code === 0x9b && last.qos > c.maximumQos) {
      return { facts: { qos: last.qos, maximumQos: c.maximumQos }, causes: ['qos-over-maximum'], checks: ['publish-qos', 'connack-allowed'] };
    }
    return undefined;
  }
}
