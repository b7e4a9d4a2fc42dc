/**
 * Shows an application payload the way a person wants to read it: UTF-8 text when it is text, JSON when it parses
 * as JSON, hex otherwise. The real length is always kept. No decisions about truncation for display (views do that).
 */
import { isUtf8 } from 'node:buffer';
import type { MqttPayload } from '../model/events.js';

/** Longest payload copied into an event as text or hex; longer ones are cut and flagged `incomplete`. */
export const MAX_PAYLOAD_KEPT = 64 * 1024;

// C0 controls other than TAB, LF, CR make "text" unreadable: show those payloads as binary.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function describePayload(bytes: Buffer, realLength: number = bytes.length): MqttPayload {
  const cut = bytes.length > MAX_PAYLOAD_KEPT ? bytes.subarray(0, MAX_PAYLOAD_KEPT) : bytes;
  const incomplete = cut.length < realLength;
  if (cut.length > 0 && isUtf8(cut)) {
    const text = cut.toString('utf8');
    if (!CONTROL.test(text)) {
      const first = text.trimStart()[0];
      if (!incomplete && (first === '{' || first === '[' || first === '"')) {
        try {
          JSON.parse(text);
          return { length: realLength, format: 'json', text };
        } catch {
          // not JSON: plain text
        }
      }
      return incomplete ? { length: realLength, format: 'text', text, incomplete } : { length: realLength, format: 'text', text };
    }
  }
  if (cut.length === 0 && realLength === 0) return { length: 0, format: 'text', text: '' };
  const hex = cut.toString('hex');
  return incomplete ? { length: realLength, format: 'binary', hex, incomplete } : { length: realLength, format: 'binary', hex };
}
