/**
 * Topic names interned from their bytes: a PUBLISH's topic is looked up by a hash of its bytes in a small
 * direct-mapped cache, so that the few topics of a capture are decoded (and checked for UTF-8 and U+0000) once and
 * then shared as the same string, whose hash every Map keyed by topic then has at hand. Bounded (a capture of
 * millions of distinct topics only evicts); long topics are not cached. It does not read the packet around the topic.
 */
import { isUtf8 } from 'node:buffer';

const SLOTS = 1024;
/** Longest topic (in bytes) kept in the cache. */
export const MAX_INTERNED_BYTES = 256;

const slotBytes: Array<Buffer | undefined> = new Array<Buffer | undefined>(SLOTS).fill(undefined);
const slotTopic: string[] = new Array<string>(SLOTS).fill('');
const slotValid: boolean[] = new Array<boolean>(SLOTS).fill(false);

/** Whether the topic last returned by internTopic is valid UTF-8 without U+0000. */
export let internedTopicValid = false;

/** The topic in bytes[start, end) (at most MAX_INTERNED_BYTES long), decoded as UTF-8; sets internedTopicValid. */
export function internTopic(bytes: Buffer, start: number, end: number): string {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  const slot = (h >>> 0) % SLOTS;
  const kept = slotBytes[slot];
  if (kept !== undefined && kept.length === end - start && sameBytes(kept, bytes, start, end)) {
    internedTopicValid = slotValid[slot]!;
    return slotTopic[slot]!;
  }
  const topicBytes = bytes.subarray(start, end);
  const topic = topicBytes.toString('utf8');
  const valid = !topicBytes.includes(0) && isUtf8(topicBytes);
  slotBytes[slot] = Buffer.from(topicBytes);
  slotTopic[slot] = topic;
  slotValid[slot] = valid;
  internedTopicValid = valid;
  return topic;
}

function sameBytes(kept: Buffer, bytes: Buffer, start: number, end: number): boolean {
  for (let i = start, j = 0; i < end; i++, j++) if (kept[j] !== bytes[i]) return false;
  return true;
}
