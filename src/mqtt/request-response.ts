/**
 * MQTT 5 request/response (MQTT 5 §4.10): links the PUBLISH a responder sends to a request's Response Topic, with the
 * request's Correlation Data (or none when the request had none), to that request, through the same broker machine,
 * and gives the time between the two as the clients sent them. Requests to one Response Topic and Correlation Data
 * are answered in turn (the oldest first). It does not judge requests left unanswered, nor look at the copies the
 * broker delivers.
 *
 * Bounded: at most MAX_PENDING requests wait for their response; past it the oldest is forgotten.
 */

export interface ResponseMatch {
  /** Frame of the request PUBLISH. */
  requestFrame: number;
  /** Milliseconds from the request PUBLISH to the response PUBLISH. */
  responseMs: number;
}

const MAX_PENDING = 4096;

interface PendingRequest {
  key: string;
  frame: number;
  time: number;
}

export class RequestResponseTracker {
  /** Key (broker, Response Topic, Correlation Data) to its requests waiting, oldest first. */
  private readonly pending = new Map<string, PendingRequest[]>();
  /** Requests in arrival order (answered ones marked by an empty key until compacted), to forget the oldest. */
  private order: PendingRequest[] = [];
  private orderHead = 0;
  private waiting = 0;

  /** A client sent a PUBLISH with a Response Topic (and `correlation`: its Correlation Data as hex, or ''). */
  request(broker: string, responseTopic: string, correlation: string, frame: number, time: number): void {
    const key = `${broker}\u0000${responseTopic}\u0000${correlation}`;
    const request: PendingRequest = { key, frame, time };
    const list = this.pending.get(key);
    if (list === undefined) this.pending.set(key, [request]);
    else list.push(request);
    this.order.push(request);
    this.waiting++;
    if (this.waiting > MAX_PENDING) this.forgetOldest();
    // Answered requests are dropped from the order list now and then: it holds at most 2 × MAX_PENDING entries.
    if (this.order.length - this.orderHead > 2 * MAX_PENDING) {
      this.order = this.order.slice(this.orderHead).filter((r) => r.key !== '');
      this.orderHead = 0;
    }
  }

  /**
   * A client sent a PUBLISH to `topic` with `correlation` (hex, or ''): the request it answers, if one waits.
   * `time` is the response's capture time; a response never comes before its request.
   */
  response(broker: string, topic: string, correlation: string, time: number): ResponseMatch | undefined {
    if (this.waiting === 0) return undefined;
    const key = `${broker}\u0000${topic}\u0000${correlation}`;
    const list = this.pending.get(key);
    if (list === undefined) return undefined;
    const request = list.shift()!;
    if (list.length === 0) this.pending.delete(key);
    request.key = '';
    this.waiting--;
    return { requestFrame: request.frame, responseMs: Math.max(0, time - request.time) * 1000 };
  }

  private forgetOldest(): void {
    while (this.orderHead < this.order.length) {
      const oldest = this.order[this.orderHead++]!;
      if (oldest.key === '') continue;
      const list = this.pending.get(oldest.key)!;
      list.shift();
      if (list.length === 0) this.pending.delete(oldest.key);
      this.waiting--;
      oldest.key = '';
      break;
    }
  }
}
