/**
 * Test helpers: the events of one kind from an analysis (MQTT packets, ended MQTT sessions), and the keys MQTT
 * messages are compared with tshark's by. They filter and format; they analyse nothing.
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

/** The topic (or filters) an MQTT packet names, as tshark's mqtt.topic shows them: comma-separated filters. */
export function topicOf(e: MqttEvent): string {
  return e.topic ?? e.subscriptions?.map((s) => s.topic).join(',') ?? e.unsubscriptions?.join(',') ?? '';
}

/** (frame, msgtype, packet id, topic) of each message, sorted, as mqtt-vs-tshark compares them. */
export function messageKeys(list: Array<{ frame: number; msgtype: number; msgid?: number | undefined; topic?: string | undefined }>): string[] {
  return list.map((m) => `${m.frame} ${m.msgtype} ${m.msgid ?? ''} ${m.topic ?? ''}`).sort();
}

/** messageKeys of an analysis' MQTT packets. */
export function ourMessageKeys(a: { events: readonly TimelineEvent[] }): string[] {
  return messageKeys(mqttOf(a).map((e) => ({ frame: e.frame, msgtype: e.msgtype, msgid: e.packetId, topic: topicOf(e) })));
}
