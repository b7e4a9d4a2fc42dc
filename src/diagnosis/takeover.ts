/**
 * diag.client-id-takeover: a CONNECT with a client id already connected, after which the broker closes the
 * connection that had it (MQTT 5: DISCONNECT 0x8E). Two clients that keep taking the id from each other are one
 * diagnosis per client id, with the count of rounds. Works from the connection book at the end of the capture.
 */
import type { FindingEvent } from '../model/events.js';
import { hostOf, sessionEndOf, type ConnectionRecord } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** The broker closes the old connection right after the new CONNECT; allow this much delay. */
export const TAKEOVER_WINDOW_SECONDS = 1;

export class TakeoverDetector implements Detector {
  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const byId = new Map<string, ConnectionRecord[]>();
    for (const r of ctx.book.all()) {
      const id = r.connect?.clientId;
      if (id === undefined || id === '') continue;
      const list = byId.get(id) ?? [];
      list.push(r);
      byId.set(id, list);
    }
    for (const [clientId, list] of byId) {
      if (list.length < 2) continue;
      const frames = new FrameSet();
      const clients = new Set<string>();
      let rounds = 0;
      let firstTime = Number.POSITIVE_INFINITY;
      for (const old of list) {
        const end = sessionEndOf(old);
        if (end === undefined) continue;
        let taker: ConnectionRecord | undefined;
        if (old.sessionEnd?.takenOverBy !== undefined) taker = ctx.book.get(old.sessionEnd.takenOverBy.stream);
        else if (end.reason === 'taken-over' || end.reason === 'broker-closed' || (end.reason === 'broker-disconnect' && end.reasonCode === 0x8e)
          || (end.reason === 'reset' && end.closedBy === 'server')) {
          taker = list.find((r) => r !== old && r.connect !== undefined && r.connect.time >= old.connect!.time
            && r.connect.time <= end.time && end.time - r.connect.time <= TAKEOVER_WINDOW_SECONDS);
        }
        if (taker === undefined || taker.connect === undefined) continue;
        rounds++;
        ctx.explained.add(old.stream);
        frames.add(taker.connect.frame, taker.connect.time).add(end.frame, end.time);
        clients.add(hostOf(old.client)).add(hostOf(taker.client));
        firstTime = Math.min(firstTime, taker.connect.time);
      }
      if (rounds === 0) continue;
      emit(makeDiagnosis({
        code: 'diag.client-id-takeover', layer: 'mqtt', frames, time: frames.firstTime ?? firstTime, dst: list[0]!.server,
        facts: { clientId, rounds, clients: [...clients], broker: list[0]!.server },
        causes: rounds > 1 ? ['duplicate-client-id', 'auto-reconnect-fight'] : ['duplicate-client-id'],
        checks: ['unique-client-id', 'running-copies'],
      }));
    }
  }
}
