/**
 * One-line description of an MQTT event, in Wireshark's words plus what we add (payload, latency, forwarding).
 * Pure function of the event.
 */
import type { MqttEvent, MqttPayload } from '../model/events.js';
import { CONNACK_RETURN_CODES, PACKET_LABELS, PROTOCOL_VERSIONS, formatMs, reasonName } from '../model/names.js';

const PAYLOAD_PREVIEW = 60;

/**
 * `text` with whitespace runs collapsed to one space, but only as far as needed: at least its first max + 1
 * characters (all of it when shorter). Collapsing a prefix gives a prefix of the collapsed whole, so the preview is
 * the same as collapsing everything; it avoids a regex pass over payloads of up to 64 KiB for a 60-character preview.
 */
function collapsedPrefix(text: string, max: number): string {
  let end = Math.min(text.length, 2 * max + 2);
  for (;;) {
    const s = text.slice(0, end).replace(/\s+/g, ' ');
    if (s.length > max || end === text.length) return s;
    end = Math.min(text.length, end * 4);
  }
}

export function previewPayload(payload: MqttPayload, max = PAYLOAD_PREVIEW): string {
  if (payload.format === 'binary') {
    const hex = payload.hex ?? '';
    return hex.length > max ? `0x${hex.slice(0, max)}… (${payload.length} bytes)` : `0x${hex}`;
  }
  if (payload.format === 'json') return `JSON ${jsonPreview(payload, max)}`;
  const text = collapsedPrefix(payload.text ?? '', max);
  const cut = text.length > max || payload.incomplete === true;
  return cut ? `"${text.slice(0, max)}…" (${payload.length} bytes)` : `"${text}"`;
}

/**
 * A JSON payload on one line, spaced for reading ({ "t": 28, "unit": "C" }), from its first characters only (no
 * parse: the payload was already recognised as JSON); long ones are cut with their real length.
 */
function jsonPreview(payload: MqttPayload, max: number): string {
  const text = payload.text ?? '';
  let out = '';
  let inString = false;
  let escaped = false;
  let i = 0;
  for (; i < text.length && out.length <= max; i++) {
    const c = text[i]!;
    if (inString) {
      out += c === '\n' || c === '\r' || c === '\t' ? ' ' : c;
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (c === '"') inString = true;
    if ((c === '}' || c === ']') && out.length > 0 && !out.endsWith(' ')) out += ' ';
    out += c;
    if (c === ',' || c === ':' || c === '{' || c === '[') out += ' ';
  }
  out = out.replace(/\{ \}/g, '{}').replace(/\[ \]/g, '[]').trimEnd();
  const cut = out.length > max || i < text.length;
  return cut ? `${out.slice(0, max)}… (${payload.length} bytes)` : out;
}

/** Milliseconds as shown everywhere: three decimals below 10 ms, one above. */
export function summarizeMqtt(e: MqttEvent): string {
  const parts: string[] = [PACKET_LABELS[e.type]];
  if (e.packetId !== undefined) parts.push(`(id=${e.packetId})`);
  switch (e.type) {
    case 'CONNECT':
      parts.push(`client "${e.clientId ?? ''}"`);
      if (e.protocolVersion !== undefined) parts.push(`MQTT ${PROTOCOL_VERSIONS[e.protocolVersion] ?? e.protocolVersion}`);
      if (e.keepAlive !== undefined) parts.push(`keep-alive ${e.keepAlive}s`);
      if (e.cleanSession !== undefined) parts.push(e.cleanSession ? 'clean' : 'persistent');
      if (e.username !== undefined) parts.push(`user "${e.username}"`);
      if (e.will !== undefined) parts.push(`will [${e.will.topic}]`);
      break;
    case 'CONNACK':
      if (e.reasonCode !== undefined) parts.push(reasonName(e.reasonCode));
      else if (e.returnCode !== undefined) parts.push(CONNACK_RETURN_CODES[e.returnCode] ?? `return code ${e.returnCode}`);
      if (e.sessionPresent === true) parts.push('session present');
      break;
    case 'PUBLISH':
      if (e.topic !== undefined) parts.push(`[${e.topic}]`);
      if (e.qos !== undefined) parts.push(`QoS ${e.qos}`);
      if (e.retain === true) parts.push('retain');
      if (e.dup === true) parts.push('dup');
      if (e.payload !== undefined) parts.push(previewPayload(e.payload));
      break;
    case 'SUBSCRIBE':
      if (e.subscriptions !== undefined) parts.push(e.subscriptions.map((s) => `[${s.topic}] QoS ${s.qos}`).join(', '));
      break;
    case 'SUBACK':
      if (e.grantedQos !== undefined) parts.push(`granted ${e.grantedQos.map((q) => (q === 0x80 ? 'failure' : `QoS ${q}`)).join(', ')}`);
      if (e.reasonCodes !== undefined) parts.push(e.reasonCodes.map(reasonName).join(', '));
      break;
    case 'UNSUBSCRIBE':
      if (e.unsubscriptions !== undefined) parts.push(e.unsubscriptions.map((t) => `[${t}]`).join(', '));
      break;
    default:
      if (e.reasonCode !== undefined && e.reasonCode !== 0) parts.push(reasonName(e.reasonCode));
      break;
  }
  if (e.requestFrame !== undefined && e.latencyMs !== undefined) parts.push(`— ${formatMs(e.latencyMs)} ms after #${e.requestFrame}`);
  if (e.sourceFrame !== undefined && e.forwardDelayMs !== undefined) parts.push(`— forwarded from #${e.sourceFrame} after ${formatMs(e.forwardDelayMs)} ms`);
  if (e.malformed !== undefined) parts.push(`[malformed: ${e.malformed}]`);
  return parts.join(' ');
}
