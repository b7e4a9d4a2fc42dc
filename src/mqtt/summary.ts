/**
 * One-line description of an MQTT event, in Wireshark's words plus what we add (payload, latency, forwarding).
 * Pure function of the event.
 */
import type { MqttEvent, MqttPayload } from '../model/events.js';
import { recentPreview } from './payload.js';
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
  return max === PAYLOAD_PREVIEW ? recentPreview(payload, makePreview) : makePreview(payload, max);
}

function makePreview(payload: MqttPayload, max = PAYLOAD_PREVIEW): string {
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
 *
 * Outside strings, whitespace is dropped, one space follows `,` `:` `{` `[` and precedes `}` `]`; inside strings, TAB,
 * LF and CR become a space. The line is built from slices of the text: a run of characters written as they are
 * stays in the text until something differs (a payload already spaced like `{"t": 28, "unit": "C"}` is three slices).
 */
function jsonPreview(payload: MqttPayload, max: number): string {
  const text = payload.text ?? '';
  const length = text.length;
  /** What is written so far is `out`, then text[runStart, i), then a space when `pendingSpace`. */
  let out = '';
  let runStart = 0;
  /** The length of what is written so far. */
  let written = 0;
  /** A space written (counted) after `,` `:` `{` `[`, not yet in `out`: the text's next character when it is a space. */
  let pendingSpace = false;
  /** Whether the last character written is a space. */
  let lastIsSpace = false;
  let inString = false;
  let escaped = false;
  let i = 0;
  while (i < length && written <= max) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x0a || c === 0x0d || c === 0x09) {
        out += `${text.slice(runStart, i)} `;
        runStart = i + 1;
        lastIsSpace = true;
      } else {
        lastIsSpace = c === 0x20;
      }
      written++;
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      if (pendingSpace && c === 0x20) {
        pendingSpace = false; // the space written is this one
      } else {
        out += text.slice(runStart, i);
        runStart = i + 1;
      }
      i++;
      continue;
    }
    if (pendingSpace) {
      out += `${text.slice(runStart, i)} `;
      runStart = i;
      pendingSpace = false;
    }
    if ((c === 0x7d || c === 0x5d) && written > 0 && !lastIsSpace) {
      out += `${text.slice(runStart, i)} `;
      runStart = i;
      written++;
    }
    written++;
    lastIsSpace = false;
    if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a || c === 0x7b || c === 0x5b) {
      pendingSpace = true;
      lastIsSpace = true;
      written++;
    }
    i++;
  }
  out += text.slice(runStart, i);
  if (pendingSpace) out += ' ';
  if (out.includes('{ }')) out = out.replace(/\{ \}/g, '{}');
  if (out.includes('[ ]')) out = out.replace(/\[ \]/g, '[]');
  out = out.trimEnd();
  const cut = out.length > max || i < length;
  return cut ? `${out.slice(0, max)}… (${payload.length} bytes)` : out;
}

/**
 * The event's summary line: its parts joined by one space, built by concatenation (one string per event, no array of
 * parts).
 */
export function summarizeMqtt(e: MqttEvent): string {
  let line = PACKET_LABELS[e.type];
  if (e.packetId !== undefined) line += ` (id=${e.packetId})`;
  switch (e.type) {
    case 'CONNECT':
      line += ` client "${e.clientId ?? ''}"`;
      if (e.protocolVersion !== undefined) line += ` MQTT ${PROTOCOL_VERSIONS[e.protocolVersion] ?? e.protocolVersion}`;
      if (e.keepAlive !== undefined) line += ` keep-alive ${e.keepAlive}s`;
      if (e.cleanSession !== undefined) line += e.cleanSession ? ' clean' : ' persistent';
      if (e.username !== undefined) line += ` user "${e.username}"`;
      if (e.will !== undefined) line += ` will [${e.will.topic}]`;
      break;
    case 'CONNACK':
      if (e.reasonCode !== undefined) line += ` ${reasonName(e.reasonCode)}`;
      else if (e.returnCode !== undefined) line += ` ${CONNACK_RETURN_CODES[e.returnCode] ?? `return code ${e.returnCode}`}`;
      if (e.sessionPresent === true) line += ' session present';
      break;
    case 'PUBLISH':
      if (e.topic !== undefined) line += ` [${e.topic}]`;
      if (e.qos !== undefined) line += ` QoS ${e.qos}`;
      if (e.retain === true) line += ' retain';
      if (e.dup === true) line += ' dup';
      if (e.payload !== undefined) line += ` ${previewPayload(e.payload)}`;
      break;
    case 'SUBSCRIBE':
      if (e.subscriptions !== undefined) line += ` ${e.subscriptions.map((s) => `[${s.topic}] QoS ${s.qos}`).join(', ')}`;
      break;
    case 'SUBACK':
      if (e.grantedQos !== undefined) line += ` granted ${e.grantedQos.map((q) => (q === 0x80 ? 'failure' : `QoS ${q}`)).join(', ')}`;
      if (e.reasonCodes !== undefined) line += ` ${e.reasonCodes.map(reasonName).join(', ')}`;
      break;
    case 'UNSUBSCRIBE':
      if (e.unsubscriptions !== undefined) line += ` ${e.unsubscriptions.map((t) => `[${t}]`).join(', ')}`;
      break;
    default:
      if (e.reasonCode !== undefined && e.reasonCode !== 0) line += ` ${reasonName(e.reasonCode)}`;
      break;
  }
  if (e.requestFrame !== undefined && e.latencyMs !== undefined) line += ` — ${formatMs(e.latencyMs)} ms after #${e.requestFrame}`;
  if (e.sourceFrame !== undefined && e.forwardDelayMs !== undefined) {
    line += e.willOf !== undefined
      ? ` — Will of client "${e.willOf}" (CONNECT #${e.sourceFrame}), sent ${formatMs(e.forwardDelayMs)} ms after its connection ended`
      : ` — forwarded from #${e.sourceFrame} after ${formatMs(e.forwardDelayMs)} ms`;
  }
  if (e.malformed !== undefined) line += ` [malformed: ${e.malformed}]`;
  return line;
}
