/**
 * One-line description of an MQTT event, in Wireshark's words plus what we add (payload, latency, forwarding).
 * Pure functions of the event: a string (summarizeMqtt) or pieces for a writer (writeMqttSummary).
 */
import type { MqttEvent, MqttPayload } from '../model/events.js';
import { clientWords } from './empty-client-id.js';
import { clearsRetained, legacyText, recentPreview } from './payload.js';
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
    // Text in Latin-1 or the like (the degree sign as one byte): readable with its other bytes as \xNN.
    const legacy = legacyText(payload);
    if (legacy !== undefined) {
      const cut = legacy.text.length > max || payload.incomplete === true;
      return cut ? `"${legacy.text.slice(0, max)}…" (${payload.length} bytes, not UTF-8)` : `"${legacy.text}" (not UTF-8)`;
    }
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
 * Where a summary line goes, piece by piece: into a string (StringSummary, for the events' `summary`), or straight
 * into the bytes of a table row (the timeline table's own writer, which never builds the string).
 */
export interface SummaryWriter {
  /** Appends text as it is. */
  text(piece: string): void;
  /** Appends a number as String() writes it. */
  number(value: number): void;
}

/** The line as a string, built by concatenation (one string per event, no array of parts). */
class StringSummary implements SummaryWriter {
  line = '';
  text(piece: string): void { this.line += piece; }
  number(value: number): void { this.line += value; }
}

const STRING_SUMMARY = new StringSummary();

/** The event's summary line: its parts joined by one space (writeMqttSummary). */
export function summarizeMqtt(e: MqttEvent): string {
  return lineOf(e, writeMqttSummary);
}

/** What `write` writes of `e`, as a string (a consumer's own line around the summary, written once for both writers). */
export function lineOf(e: MqttEvent, write: (e: MqttEvent, w: SummaryWriter) => void): string {
  const w = STRING_SUMMARY;
  w.line = '';
  write(e, w);
  const line = w.line;
  w.line = '';
  return line;
}

/** `items` written by `each`, separated by ", ". */
function list<T>(w: SummaryWriter, items: readonly T[], each: (item: T) => void): void {
  for (let i = 0; i < items.length; i++) {
    if (i > 0) w.text(', ');
    each(items[i]!);
  }
}

/**
 * Writes the event's summary line to `w`: Wireshark's words for the packet, then what we add (payload, latency,
 * forwarding). The one definition of the line, whichever writer takes it.
 */
export function writeMqttSummary(e: MqttEvent, w: SummaryWriter): void {
  w.text(PACKET_LABELS[e.type]);
  if (e.packetId !== undefined) { w.text(' (id='); w.number(e.packetId); w.text(')'); }
  switch (e.type) {
    case 'CONNECT':
      if (e.clientId === undefined || e.clientId !== '') { w.text(' client "'); w.text(e.clientId ?? ''); w.text('"'); }
      else { w.text(' '); w.text(clientWords('', e.protocolVersion, e.cleanSession)); }
      if (e.protocolVersion !== undefined) {
        w.text(' MQTT ');
        const name = PROTOCOL_VERSIONS[e.protocolVersion];
        if (name !== undefined) w.text(name);
        else w.number(e.protocolVersion);
        if (e.bridge === true) w.text(' bridge');
      }
      if (e.keepAlive !== undefined) { w.text(' keep-alive '); w.number(e.keepAlive); w.text('s'); }
      if (e.cleanSession !== undefined) w.text(e.cleanSession ? ' clean' : ' persistent');
      if (e.username !== undefined) { w.text(' user "'); w.text(e.username); w.text('"'); }
      if (e.will !== undefined) { w.text(' will ['); w.text(e.will.topic); w.text(']'); }
      break;
    case 'CONNACK':
      if (e.reasonCode !== undefined) { w.text(' '); w.text(reasonName(e.reasonCode)); }
      else if (e.returnCode !== undefined) { w.text(' '); w.text(CONNACK_RETURN_CODES[e.returnCode] ?? `return code ${e.returnCode}`); }
      if (e.sessionPresent === true) w.text(' session present');
      {
        // MQTT 5: the id the broker gave a client that CONNECTed with an empty one (Wireshark: Assigned Client Identifier).
        const assigned = e.properties?.['assignedClientIdentifier'];
        if (typeof assigned === 'string') { w.text(' Assigned Client Identifier "'); w.text(assigned); w.text('"'); }
      }
      break;
    case 'PUBLISH':
      if (e.topic !== undefined) { w.text(' ['); w.text(e.topic); w.text(']'); }
      if (e.qos !== undefined) { w.text(' QoS '); w.number(e.qos); }
      if (e.retain === true) w.text(' retain');
      if (e.dup === true) w.text(' dup');
      // MQTT-3.3.1-10/11: a retained PUBLISH with no payload removes the topic's retained message.
      if (clearsRetained(e)) w.text(', empty payload: clears the topic\'s retained message');
      else if (e.payload !== undefined) { w.text(' '); w.text(previewPayload(e.payload)); }
      break;
    case 'SUBSCRIBE':
      if (e.subscriptions !== undefined) {
        w.text(' ');
        list(w, e.subscriptions, (s) => { w.text('['); w.text(s.topic); w.text('] QoS '); w.number(s.qos); });
      }
      break;
    case 'SUBACK':
      if (e.grantedQos !== undefined) {
        w.text(' granted ');
        list(w, e.grantedQos, (q) => { if (q === 0x80) w.text('failure'); else { w.text('QoS '); w.number(q); } });
      }
      if (e.reasonCodes !== undefined) { w.text(' '); list(w, e.reasonCodes, (code) => w.text(reasonName(code))); }
      break;
    case 'UNSUBSCRIBE':
      if (e.unsubscriptions !== undefined) { w.text(' '); list(w, e.unsubscriptions, (t) => { w.text('['); w.text(t); w.text(']'); }); }
      break;
    default:
      if (e.reasonCode !== undefined && e.reasonCode !== 0) { w.text(' '); w.text(reasonName(e.reasonCode)); }
      break;
  }
  if (e.requestFrame !== undefined && e.latencyMs !== undefined) {
    w.text(' — '); w.text(formatMs(e.latencyMs)); w.text(' ms after #'); w.number(e.requestFrame);
  }
  if (e.sourceFrame !== undefined && e.forwardDelayMs !== undefined) {
    if (e.willOf !== undefined) {
      w.text(' — Will of client "'); w.text(e.willOf); w.text('" (CONNECT #'); w.number(e.sourceFrame);
      w.text('), sent '); w.text(formatMs(e.forwardDelayMs));
      if (e.willTakeoverFrame !== undefined) { w.text(' ms after CONNECT #'); w.number(e.willTakeoverFrame); w.text(' took its client id over'); }
      else w.text(' ms after its connection ended');
    } else if (e.queued === true) {
      w.text(' — held for the session while the client was away: published in #'); w.number(e.sourceFrame);
      w.text(', '); w.text(formatMs(e.forwardDelayMs)); w.text(' ms earlier');
    } else {
      w.text(' — forwarded from #'); w.number(e.sourceFrame); w.text(' after '); w.text(formatMs(e.forwardDelayMs)); w.text(' ms');
    }
  }
  if (e.respondsTo !== undefined && e.responseMs !== undefined) {
    w.text(' — response to the request in #'); w.number(e.respondsTo); w.text(' after '); w.text(formatMs(e.responseMs)); w.text(' ms');
  }
  if (e.malformed !== undefined) { w.text(' [malformed: '); w.text(e.malformed); w.text(']'); }
}
