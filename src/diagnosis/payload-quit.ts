/**
 * diag.subscriber-quit-on-payload: a subscriber that closed its connection (FIN or RST, no DISCONNECT) right after the
 * broker delivered it a message whose payload is not valid UTF-8, sending nothing after it but its acknowledgement: the
 * program died handling that message, as a paho script whose on_message decodes the payload as UTF-8
 * (msg.payload.decode()) does on "Suhu: 28°C" written in Latin-1 (fixtures/faults/fault-latin1-payload.pcap). Reads
 * PUBLISH copies from the broker and the client's packets; remembers the last copy and the client's last packet per
 * connection.
 */
import { isUtf8 } from 'node:buffer';
import type { FindingEvent, MqttEvent, MqttPayload } from '../model/events.js';
import { MAX_PAYLOAD_KEPT } from '../mqtt/payload.js';
import { clientName, sessionEndOf } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** A program that dies on a message ends within this time of it (Python prints its traceback and exits in ms). */
export const QUIT_WINDOW_SECONDS = 0.5;
const MAX_STREAMS = 100_000;

/** `packetId`: -1 for QoS 0. Updated in place: no object per copy. */
interface LastCopy { frame: number; time: number; topic: string; length: number; notUtf8: boolean; packetId: number; spokeAfter: boolean }

/** Whether a payload's bytes are not valid UTF-8, the same on the full and the summary-only path (whole payloads only). */
function notUtf8(p: MqttPayload | undefined): boolean {
  if (p === undefined || p.format !== 'binary' || p.incomplete === true || p.length > MAX_PAYLOAD_KEPT) return false;
  return p.hex === undefined || !isUtf8(Buffer.from(p.hex, 'hex'));
}

export class PayloadQuitDetector implements Detector {
  /** Per connection: the broker's last PUBLISH to it, and whether the client sent anything but its ack after it. */
  private readonly last = new Map<number, LastCopy>();

  readonly mqttTypes = ['PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PINGREQ', 'DISCONNECT'] as const;

  mqtt(e: MqttEvent): void {
    if (e.direction === 'server') {
      if (e.type !== 'PUBLISH') return;
      let copy = this.last.get(e.stream);
      if (copy === undefined) {
        if (this.last.size >= MAX_STREAMS) return;
        copy = { frame: 0, time: 0, topic: '', length: 0, notUtf8: false, packetId: -1, spokeAfter: false };
        this.last.set(e.stream, copy);
      }
      copy.frame = e.frame;
      copy.time = e.time;
      copy.topic = e.topic ?? '';
      copy.length = e.payload?.length ?? 0;
      copy.notUtf8 = notUtf8(e.payload);
      copy.packetId = e.packetId ?? -1;
      copy.spokeAfter = false;
      return;
    }
    const copy = this.last.get(e.stream);
    if (copy === undefined || copy.spokeAfter) return;
    // Its acknowledgement is paho's own work, done before on_message runs: anything else means the program went on.
    if ((e.type === 'PUBACK' || e.type === 'PUBREC') && e.packetId === copy.packetId) return;
    copy.spokeAfter = true;
  }

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    for (const [stream, copy] of this.last) {
      if (!copy.notUtf8 || copy.spokeAfter || ctx.explained.has(stream)) continue;
      const r = ctx.book.get(stream);
      if (r === undefined || r.subscribes === 0) continue;
      const end = sessionEndOf(r);
      if (end === undefined || end.time < copy.time || end.time - copy.time > QUIT_WINDOW_SECONDS) continue;
      const byClient = end.reason === 'client-closed' || (end.reason === 'reset' && (end.closedBy ?? 'client') === 'client');
      if (!byClient) continue;
      ctx.explained.add(stream);
      const frames = new FrameSet().add(copy.frame, copy.time).add(end.frame, end.time);
      emit(makeDiagnosis({
        code: 'diag.subscriber-quit-on-payload', layer: 'mqtt', frames, time: copy.time, src: r.client, dst: r.server, stream,
        facts: {
          subscriber: clientName(r), topic: copy.topic, messageFrame: copy.frame, bytes: copy.length,
          afterSeconds: Number((end.time - copy.time).toFixed(6)), closedWith: end.reason === 'reset' ? 'RST' : 'FIN',
        },
        causes: ['payload-not-utf8', 'on-message-error'], checks: ['payload-encoding', 'subscriber-output'],
      }));
    }
  }
}
