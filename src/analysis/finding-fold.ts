/**
 * Folds repeated findings (issue #15 item 5): the first SHOWN_INDIVIDUALLY findings of one code on one connection
 * (or, without a connection, in the capture) go on as they are; the later ones are counted into one finding with
 * `evidence` (first and last frame, count, the first frames), delivered when the episode ends: when the connection
 * ends (just before its `connection-ended` event) or at the end of the capture. A capture of 4 million truncated
 * frames is then three findings and one count, not 4 million lines. Diagnoses (`diag.*`) and findings that already
 * carry evidence are never folded. It does not count for the summary (the pipeline counts every finding before
 * folding) and holds memory only per code and open connection.
 */
import type { FindingEvent, TimelineEvent } from '../model/events.js';
import { makeFinding } from '../model/findings.js';

/** Findings of one code on one connection shown one by one before the rest are folded. */
export const SHOWN_INDIVIDUALLY = 3;

/** Frames listed in a folded finding's evidence. */
const FRAMES_LISTED = 20;

interface Fold {
  /** The first folded finding (its code, layer, endpoints, stream and words). */
  first: FindingEvent;
  count: number;
  lastFrame: number;
  frames: number[];
}

interface KeyState {
  seen: number;
  fold: Fold | undefined;
}

export class FindingFolder {
  private readonly keys = new Map<string, KeyState>();
  /** Keys of each connection, so that they are settled and forgotten when it ends. */
  private readonly keysOfStream = new Map<number, string[]>();

  /** Findings folded so far (not delivered one by one). */
  folded = 0;

  /** Hands `event` to `deliver`, unless it is a repeat to fold; a connection's end first delivers its folds. */
  admit(event: TimelineEvent, deliver: (event: TimelineEvent) => void): void {
    if (event.kind === 'lifecycle' && event.type === 'connection-ended') {
      this.settleStream(event.stream, deliver);
      deliver(event);
      return;
    }
    if (event.kind !== 'finding' || event.evidence !== undefined || event.code.startsWith('diag.')) {
      deliver(event);
      return;
    }
    const key = `${event.code}|${event.stream ?? ''}`;
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { seen: 0, fold: undefined };
      this.keys.set(key, state);
      if (event.stream !== undefined) {
        const list = this.keysOfStream.get(event.stream);
        if (list === undefined) this.keysOfStream.set(event.stream, [key]);
        else list.push(key);
      }
    }
    state.seen++;
    if (state.seen <= SHOWN_INDIVIDUALLY) {
      deliver(event);
      return;
    }
    this.folded++;
    const fold = state.fold;
    if (fold === undefined) {
      state.fold = { first: event, count: 1, lastFrame: event.frame, frames: [event.frame] };
      return;
    }
    fold.count++;
    if (event.frame > fold.lastFrame) fold.lastFrame = event.frame;
    if (fold.frames.length < FRAMES_LISTED) fold.frames.push(event.frame);
  }

  /** End of the capture: every fold still open is delivered (in the order the codes first appeared). */
  finish(deliver: (event: TimelineEvent) => void): void {
    for (const state of this.keys.values()) if (state.fold !== undefined) deliver(foldedFinding(state.fold));
    this.keys.clear();
    this.keysOfStream.clear();
  }

  private settleStream(stream: number, deliver: (event: TimelineEvent) => void): void {
    const keys = this.keysOfStream.get(stream);
    if (keys === undefined) return;
    this.keysOfStream.delete(stream);
    for (const key of keys) {
      const state = this.keys.get(key);
      this.keys.delete(key);
      if (state?.fold !== undefined) deliver(foldedFinding(state.fold));
    }
  }
}

/** The one finding that stands for the folded repeats: the first one's words, with the count and frames. */
function foldedFinding(fold: Fold): FindingEvent {
  const first = fold.first;
  const where = first.stream !== undefined ? ' on this connection' : '';
  const frames = fold.count === 1 ? `frame ${first.frame}` : `frames ${first.frame}–${fold.lastFrame}`;
  return makeFinding(first.code, first.layer, first.frame, first.time,
    `${fold.count} more ${first.code} finding${fold.count === 1 ? '' : 's'}${where} (${frames}), the first: ${first.summary}`, {
      src: first.src, dst: first.dst,
      ...(first.stream !== undefined ? { stream: first.stream } : {}),
      ...(first.detail !== undefined ? { detail: first.detail } : {}),
      evidence: { firstFrame: first.frame, lastFrame: fold.lastFrame, count: fold.count, frames: fold.frames },
    });
}
