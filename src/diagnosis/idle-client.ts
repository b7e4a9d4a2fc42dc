/**
 * diag.client-sent-nothing: a client the broker accepted (CONNACK) that then closed its connection with a FIN, having
 * sent nothing but its CONNECT (no PUBLISH, no SUBSCRIBE, no PINGREQ, no DISCONNECT) and been sent nothing but the
 * CONNACK. Its program stopped between
 * connecting and its first message: a script that dies of an error of its own before publish() (a Python traceback:
 * fixtures/faults/fault-pub-crash.pcap), exits, or crashes, after paho's network thread read the CONNACK (so the kernel
 * closes the socket with a FIN; with the CONNACK unread it resets it, which diag.tcp-reset tells the same way).
 * Connections another diagnosis explains are left to it. One diagnosis per client host and broker, with the count of
 * such connections and, when they used several client ids (a connection flood, one id per connection), those ids. Works from the connection book at the end of the capture.
 */
import type { MachineBook } from '../model/machine.js';
import type { FindingEvent } from '../model/events.js';
import { clientName, hostOf, machineOfLabel, sentBy, sessionEndOf, type ConnectionRecord } from './book.js';
import type { Detector, FinishContext } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** Client ids of one host, each connecting once and doing nothing, from which it is a connection flood. */
export const FLOOD_CLIENTS = 10;
/** Client names listed per group, at most. */
const NAMES = 20;

interface IdleGroup {
  first: ConnectionRecord;
  names: Set<string>;
  distinct: number;
  afterConnackSeconds: number;
  frames: FrameSet;
  count: number;
}

export class IdleClientDetector implements Detector {
  constructor(private readonly machines: MachineBook) {}

  finish(ctx: FinishContext, emit: (finding: FindingEvent) => void): void {
    const groups = new Map<string, IdleGroup>();
    for (const r of ctx.book.all()) {
      const { connect, connack } = r;
      if (connect === undefined || connack?.accepted !== true || ctx.explained.has(r.stream)) continue;
      // Nothing but the CONNECT from the client and the CONNACK from the broker (a client that was sent messages and
      // left them unacknowledged is diag.qos-unacknowledged's).
      if (sentBy(r, 'client').mqtt !== 1 || sentBy(r, 'server').mqtt !== 1) continue;
      const end = sessionEndOf(r);
      if (end === undefined || end.reason !== 'client-closed' || end.time < connack.time) continue;
      ctx.explained.add(r.stream);
      const client = connect.clientId !== undefined && connect.clientId !== '' ? connect.clientId : clientName(r);
      const key = `${hostOf(r.client)}|${machineOfLabel(this.machines, r.server)}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { first: r, names: new Set(), distinct: 0, afterConnackSeconds: end.time - connack.time, frames: new FrameSet(), count: 0 };
        groups.set(key, g);
      }
      g.count++;
      if (!g.names.has(client)) {
        g.distinct++;
        if (g.names.size < NAMES) g.names.add(client);
      }
      g.frames.add(connect.frame, connect.time).add(connack.frame, connack.time).add(end.frame, end.time);
    }
    for (const g of groups.values()) {
      const r = g.first;
      emit(makeDiagnosis({
        code: 'diag.client-sent-nothing', layer: 'mqtt', frames: g.frames, time: g.frames.firstTime ?? r.connect!.time,
        src: r.client, dst: r.server, stream: r.stream,
        facts: {
          client: g.distinct === 1 ? clientName(r) : hostOf(r.client), server: r.server, count: g.count, afterConnackSeconds: Number(g.afterConnackSeconds.toFixed(6)),
          ...(g.distinct > 1 ? { clients: [...g.names], distinctClients: g.distinct } : {}),
        },
        causes: g.distinct >= FLOOD_CLIENTS ? ['connection-flood', 'connect-check'] : ['program-stopped-after-connect', 'connect-check'],
        checks: g.distinct >= FLOOD_CLIENTS ? ['which-client-program', 'max-connections', 'limit-connections'] : ['client-output', 'wait-before-exit'],
      }));
    }
  }
}
