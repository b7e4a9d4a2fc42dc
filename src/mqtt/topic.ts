/**
 * Topic filter matching (MQTT 3.1.1 section 4.7 / 5.0 section 4.7), including `$share/{group}/` shared subscriptions.
 * Pure functions; levels are compared in place (no split, no string made per call).
 */

/**
 * The `$share/{group}/` prefix of a shared subscription's filter (MQTT 5 §4.8.2), '' when `filter` is no shared one:
 * the rest of the filter is what topics are matched against.
 */
export function sharedSubscriptionPrefix(filter: string): string {
  if (!filter.startsWith('$share/')) return '';
  const slash = filter.indexOf('/', 7);
  return slash < 0 ? '' : filter.slice(0, slash + 1);
}

/**
 * True when `topic` is in the broker's own `$SYS` tree (MQTT 4.7.2: topics beginning with '$' are the server's; `$SYS/`
 * holds its statistics): brokers take no client's message to it (Mosquitto denies them: "Denied PUBLISH" in its log).
 */
export function isSysTopic(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}

/** True when `filter` (which may hold + and # wildcards) matches the topic name `topic`. */
export function topicMatches(filter: string, topic: string): boolean {
  let f = 0;
  const fEnd = filter.length;
  if (filter.startsWith('$share/')) {
    const slash = filter.indexOf('/', 7);
    if (slash < 0) return false;
    f = slash + 1;
  }
  if (f === 0 ? filter === topic : filter.length - f === topic.length && filter.endsWith(topic)) return true;
  // Wildcards do not match topics starting with $ at the first level.
  if (topic.charCodeAt(0) === 0x24 /* $ */) {
    const c = filter.charCodeAt(f);
    if (c === 0x2b /* + */ || c === 0x23 /* # */) return false;
  }
  // One level of each per turn: [f, fl) of the filter and [t, tl) of the topic.
  const tEnd = topic.length;
  let t = 0;
  let topicLevels = true; // the topic still has a level at t (a topic of n slashes has n + 1 levels)
  for (;;) {
    let fl = filter.indexOf('/', f);
    if (fl < 0) fl = fEnd;
    const lastFilterLevel = fl === fEnd;
    if (fl - f === 1 && filter.charCodeAt(f) === 0x23 /* # */) return lastFilterLevel;
    if (!topicLevels) return false;
    let tl = topic.indexOf('/', t);
    if (tl < 0) tl = tEnd;
    const plus = fl - f === 1 && filter.charCodeAt(f) === 0x2b; /* + */
    if (!plus && !sameLevel(filter, f, fl, topic, t, tl)) return false;
    topicLevels = tl < tEnd;
    if (lastFilterLevel) return !topicLevels;
    f = fl + 1;
    t = tl + 1;
  }
}

/** True when filter[f, fl) and topic[t, tl) are the same characters. */
function sameLevel(filter: string, f: number, fl: number, topic: string, t: number, tl: number): boolean {
  if (fl - f !== tl - t) return false;
  for (; f < fl; f++, t++) if (filter.charCodeAt(f) !== topic.charCodeAt(t)) return false;
  return true;
}
