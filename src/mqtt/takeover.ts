/**
 * Which connection holds each MQTT client id at each broker, so that a session taken over (another connection
 * CONNECTs with the same client id to the same broker, and the broker then closes the first) can be named as such.
 * Bounded by the open sessions: an entry is dropped when its session ends. It reads no bytes and emits nothing.
 */

export interface SessionHolder {
  stream: number;
  /** Set on the holder when another connection CONNECTs with its client id. */
  takenOverBy?: { stream: number; frame: number };
}

export class ClientIdRegistry {
  private readonly holders = new Map<string, SessionHolder>();

  /** `holder` CONNECTed with `clientId` to `broker` in `frame`: the previous holder, if any, is marked taken over. */
  connected(broker: string, clientId: string, holder: SessionHolder, frame: number): void {
    if (clientId === '') return;
    const key = `${broker}|${clientId}`;
    const previous = this.holders.get(key);
    if (previous !== undefined && previous !== holder) previous.takenOverBy ??= { stream: holder.stream, frame };
    this.holders.set(key, holder);
  }

  /** The session of `holder` ended: it no longer holds the client id. */
  ended(broker: string, clientId: string, holder: SessionHolder): void {
    const key = `${broker}|${clientId}`;
    if (this.holders.get(key) === holder) this.holders.delete(key);
  }
}
