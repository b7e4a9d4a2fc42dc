/**
 * Copies what mqtt-packet decoded into an MqttEvent, normalised: only the fields that belong to the packet's type
 * (mqtt-packet leaves `topic: null` on a PINGREQ...), MQTT 5 reason codes only for MQTT 5, binary property values as
 * hex, and the password and authentication data as "***" unless secrets are shown. No session state is touched.
 */
import type { Packet } from 'mqtt-packet';
import type { MqttEvent, MqttSubscription } from '../model/events.js';
import { describePayload } from './payload.js';

export function fillFromPacket(event: MqttEvent, packet: Packet, remainingLength: number, version: number | undefined,
showSecrets: boolean): void {
  const p = packet as unknown as Record<string, unknown> & { properties?: Record<string, unknown> };
  const properties = p.properties;
  if (properties !== undefined && Object.keys(properties).length > 0) {
    const { userProperties: _ignored, ...rest } = properties;
    for (const [name, value] of Object.entries(rest)) {
      // Authentication data is a secret like the password; binary values are shown as hex.
      if (name === 'authenticationData' && !showSecrets) rest[name] = '***';
      else if (Buffer.isBuffer(value)) rest[name] = value.toString('hex');
    }
    if (Object.keys(rest).length > 0) event.properties = rest;
  }
  switch (packet.cmd) {
    case 'connect': {
      event.protocolName = packet.protocolId;
      event.protocolVersion = packet.protocolVersion;
      event.clientId = packet.clientId;
      event.keepAlive = packet.keepalive;
      event.cleanSession = packet.clean;
      if (packet.username !== undefined) event.username = packet.username;
      if (packet.password !== undefined) {
        event.password = showSecrets ? Buffer.from(packet.password).toString('utf8') : '***';
      }
      if (packet.will != null) {
        const payload = Buffer.from(packet.will.payload ?? Buffer.alloc(0));
        event.will = { topic: packet.will.topic, qos: packet.will.qos ?? 0, retain: packet.will.retain ?? false, payload: describePayload(payload) };
        const willProperties = packet.will.properties as Record<string, unknown> | undefined;
        if (willProperties !== undefined && Object.keys(willProperties).length > 0) {
          const { userProperties, ...rest } = willProperties;
          for (const [name, value] of Object.entries(rest)) if (Buffer.isBuffer(value)) rest[name] = value.toString('hex');
          if (Object.keys(rest).length > 0) event.will.properties = rest;
          const pairs = userPropertyPairs(userProperties);
          if (pairs.length > 0) event.will.userProperties = pairs;
        }
      }
      break;
    }
    case 'connack': {
      // MQTT 3.1 has no Session Present: its first byte is reserved (tshark shows no flag either).
      if (version !== 3) event.sessionPresent = packet.sessionPresent;
      if (packet.reasonCode !== undefined && version === 5) {
        event.reasonCode = packet.reasonCode;
        event.accepted = packet.reasonCode < 0x80;
      } else {
        event.returnCode = packet.returnCode ?? 0;
        event.accepted = event.returnCode === 0;
      }
      break;
    }
    case 'publish': {
      event.topic = packet.topic;
      event.qos = packet.qos;
      event.dup = packet.dup;
      event.retain = packet.retain;
      if (packet.qos > 0 && packet.messageId !== undefined) event.packetId = packet.messageId;
      const alias = packet.properties?.topicAlias;
      if (alias !== undefined) event.topicAlias = alias;
      break;
    }
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': {
      if (packet.messageId !== undefined) event.packetId = packet.messageId;
      if (version === 5 && remainingLength > 2) event.reasonCode = packet.reasonCode ?? 0;
      break;
    }
    case 'subscribe': {
      event.packetId = packet.messageId;
      event.subscriptions = packet.subscriptions.map((s) => {
        const sub: MqttSubscription = { topic: s.topic, qos: s.qos };
        if (version === 5) {
          if (s.nl !== undefined) sub.noLocal = s.nl;
          if (s.rap !== undefined) sub.retainAsPublished = s.rap;
          if (s.rh !== undefined) sub.retainHandling = s.rh;
        }
        return sub;
      });
      break;
    }
    case 'suback': {
      event.packetId = packet.messageId;
      const granted = (packet.granted as Array<number | { qos: number }>).map((g) => (typeof g === 'number' ? g : g.qos));
      if (version === 5) event.reasonCodes = granted;
      else event.grantedQos = granted;
      break;
    }
    case 'unsubscribe': {
      event.packetId = packet.messageId;
      event.unsubscriptions = packet.unsubscriptions;
      break;
    }
    case 'unsuback': {
      event.packetId = packet.messageId;
      const granted = (packet as unknown as { granted?: number[] }).granted;
      if (granted !== undefined && version === 5) event.reasonCodes = granted;
      break;
    }
    case 'disconnect': case 'auth': {
      // Only when the packet carries one: an empty MQTT 5 DISCONNECT means 0x00, but says nothing (as tshark shows it).
      if (packet.reasonCode !== undefined && version === 5 && remainingLength > 0) event.reasonCode = packet.reasonCode;
      break;
    }
    default:
      break;
  }
}

/** mqtt-packet's user properties (name to a value, or to the values of a name given several times) as [name, value] pairs. */
function userPropertyPairs(user: unknown): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (user === null || typeof user !== 'object') return pairs;
  for (const [name, value] of Object.entries(user)) {
    for (const v of Array.isArray(value) ? value : [value]) pairs.push([name, String(v)]);
  }
  return pairs;
}
