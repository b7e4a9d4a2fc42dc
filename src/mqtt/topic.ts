/**
 * Topic filter matching (MQTT 3.1.1 section 4.7 / 5.0 section 4.7), including `$share/{group}/` shared subscriptions.
 * Pure functions.
 */

/** True when `filter` (which may hold + and # wildcards) matches the topic name `topic`. */
export function topicMatches(filter: string, topic: string): boolean {
  let f = filter;
  if (f.startsWith('$share/')) {
    const slash = f.indexOf('/', 7);
    if (slash < 0) return false;
    f = f.slice(slash + 1);
  }
  if (f === topic) return true;
  // Wildcards do not match topics starting with $ at the first level.
  if (topic.startsWith('$') && (f.startsWith('+') || f.startsWith('#'))) return false;
  const fl = f.split('/');
  const tl = topic.split('/');
  for (let i = 0; i < fl.length; i++) {
    const level = fl[i]!;
    if (level === '#') return i === fl.length - 1;
    if (i >= tl.length) return false;
    if (level !== '+' && level !== tl[i]) return false;
  }
  return fl.length === tl.length;
}
