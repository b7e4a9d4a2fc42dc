/**
 * Test helpers: the events of one kind from an analysis (MQTT packets, ended MQTT sessions). They filter; they
 * analyse nothing.
 */
import type { MqttEvent, MqttSessionEndedEvent, TimelineEvent } from '../../src/index.js';

/** The MQTT packet events of an analysis, in timeline order. */
export function mqttOf(a: { events: readonly TimelineEvent[] }): MqttEvent[] {
  return a.events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
}

/** The "MQTT session ended" lifecycle events of an analysis, in timeline order. */
export function sessionsEnded(a: { events: readonly TimelineEvent[] }): MqttSessionEndedEvent[] {
  return a.events.filter((e): e is MqttSessionEndedEvent => e.kind === 'lifecycle' && e.type === 'session-ended');
}
