/**
 * The HTML report and the SVG pictures in a real browser (Debian's headless chromium) on the lab capture: the page
 * logs no console message (its Content-Security-Policy would log any script or network access), the flow graph in
 * the rendered DOM has exactly one arrow per frame drawn (every ARP/TCP frame of fixtures/reqresp.pcap), a
 * screenshot of the page is non-blank, has the stored screenshot's size (docs/report-screenshot.png) and a similar
 * weight, and both standalone SVGs are valid XML and render to non-blank images. Skipped when chromium is missing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { after, test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { TimelineEvent } from '../src/index.js';
import { repoRoot } from './helpers/corpus.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const chromiumMissing = spawnSync('chromium', ['--version'], { encoding: 'utf8' }).status === 0 ? undefined : 'chromium not installed';
const work = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-report-browser-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The window the stored screenshot was taken with (scripts/report-examples.sh). */
export const SCREENSHOT_WINDOW = '900,2600';

function chromium(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-extensions',
    '--enable-logging=stderr', '--v=0', `--user-data-dir=${path.join(work, 'profile')}`, '--virtual-time-budget=3000', ...args,
  ], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  assert.equal(r.error, undefined, String(r.error));
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Width, height and whether the picture has real content (many distinct byte values in its pixel data). */
function pngFacts(file: string): { width: number; height: number; bytes: number; distinct: number } {
  const png = readFileSync(file);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString('latin1') === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i += 7) seen.add(pixels[i]!);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length, distinct: seen.size };
}

function report(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, 'report', 'fixtures/reqresp.pcap', ...args], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('the HTML page in chromium: no console message, one arrow per drawn frame, a sane non-blank screenshot', { skip: chromiumMissing }, async () => {
  const page = path.join(work, 'report.html');
  report(['-o', page]);
  const dom = chromium(['--dump-dom', `file://${page}`]);
  assert.doesNotMatch(dom.stderr, /:CONSOLE/, 'console messages');
  // Frames the flow graph draws: every frame with an ARP, TCP or MQTT packet (the lab capture has fewer than the cap).
  const frames = new Set<number>();
  await analyzeCapture(path.join(repoRoot, 'fixtures/reqresp.pcap'), {
    onEvent: (e: TimelineEvent) => { if (e.kind === 'packet' && ['arp', 'tcp', 'mqtt'].includes(e.layer)) frames.add(e.frame); },
  });
  const flow = dom.stdout.slice(dom.stdout.indexOf('class="flow-graph"'), dom.stdout.indexOf('</svg>', dom.stdout.indexOf('class="flow-graph"')));
  const drawn = [...flow.matchAll(/<g class="arrow [^"]*" data-frame="(\d+)">/g)].map((m) => Number(m[1]));
  assert.equal(drawn.length, frames.size);
  assert.deepEqual(drawn, [...frames].sort((a, b) => a - b));
  assert.equal((flow.match(/<line [^>]*marker-end=/g) ?? []).length, frames.size, 'one arrow line per frame');

  const shot = path.join(work, 'report.png');
  chromium([`--window-size=${SCREENSHOT_WINDOW}`, `--screenshot=${shot}`, `file://${page}`]);
  const now = pngFacts(shot);
  const stored = pngFacts(path.join(repoRoot, 'docs/report-screenshot.png'));
  assert.deepEqual([now.width, now.height], [stored.width, stored.height]);
  assert.ok(now.distinct >= 32, `a blank screenshot (${now.distinct} distinct values)`);
  assert.ok(now.bytes > stored.bytes / 2 && now.bytes < stored.bytes * 2, `screenshot weight ${now.bytes} vs stored ${stored.bytes}`);
});

test('the SVG pictures are valid XML and render in chromium', { skip: chromiumMissing }, () => {
  const md = path.join(work, 'svg', 'r.md');
  spawnSync('mkdir', ['-p', path.dirname(md)]);
  report(['-o', md]);
  for (const name of ['r.flow.svg', 'r.rate.svg']) {
    const svg = path.join(path.dirname(md), name);
    const lint = spawnSync('xmllint', ['--noout', svg], { encoding: 'utf8' });
    if (lint.error === undefined) assert.equal(lint.status, 0, lint.stderr);
    const shot = path.join(work, `${name}.png`);
    const r = chromium(['--window-size=1000,1600', `--screenshot=${shot}`, `file://${svg}`]);
    assert.doesNotMatch(r.stderr, /:CONSOLE/);
    const png = pngFacts(shot);
    assert.ok(png.distinct >= 16, `${name} renders blank`);
  }
});
