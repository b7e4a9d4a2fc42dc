/**
 * Expands capture arguments that are glob patterns (`captures/*.pcap`, `out/**\/*.pcapng`: `*`, `?`, `[...]`, `**`)
 * into the files they match, sorted, for shells and CI steps that pass them quoted. An argument without wildcards
 * (or "-") is kept as it is. Reads directories only.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

const WILD = /[*?[]/;

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function entries(dir: string): Array<{ name: string; isDir: boolean }> {
  try {
    return readdirSync(dir || '.', { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() }));
  } catch {
    return [];
  }
}

function walk(dir: string, parts: string[], out: string[]): void {
  if (parts.length === 0) { out.push(dir); return; }
  const [head, ...rest] = parts as [string, ...string[]];
  if (head === '**') {
    walk(dir, rest, out);
    for (const e of entries(dir)) if (e.isDir && !e.name.startsWith('.')) walk(path.join(dir, e.name), parts, out);
    return;
  }
  if (!WILD.test(head)) { walk(dir === '' ? head : path.join(dir, head), rest, out); return; }
  const re = segmentRegex(head);
  for (const e of entries(dir)) {
    if (e.name.startsWith('.') && !head.startsWith('.')) continue;
    if (!re.test(e.name) || (rest.length > 0 && !e.isDir)) continue;
    walk(dir === '' ? e.name : path.join(dir, e.name), rest, out);
  }
}

/** Each argument, or the files its pattern matches; a pattern matching nothing is kept (it is then unreadable). */
export function expandCaptureArgs(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (arg === '-' || !WILD.test(arg)) { out.push(arg); continue; }
    const absolute = path.isAbsolute(arg);
    const parts = arg.split('/').filter((p, i) => p !== '' || i === 0);
    const matches: string[] = [];
    walk(absolute ? '/' : '', absolute ? parts.slice(1) : parts, matches);
    const files = [...new Set(matches)].sort();
    if (files.length === 0) out.push(arg);
    else out.push(...files);
  }
  return out;
}
