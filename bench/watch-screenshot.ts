/**
 * watch-screenshot.ts - the README's picture of `mqtt-pcap watch`, made from a real terminal screen.
 *
 *   node dist/bench/watch-screenshot.js CAPTURE OUT.png [--seconds 12] [--speed 2] [--cols 120] [--rows 34] [--keys KEYS]
 *
 * Runs `mqtt-pcap watch CAPTURE --replay --speed S --color` in a detached tmux session of COLSxROWS, sends KEYS (tmux
 * key names, comma-separated, e.g. "Tab") after half the time, reads the screen with `tmux capture-pane -e` (text
 * with its colours), turns it into a small HTML page (monospace, the ANSI colours as CSS) and renders that with
 * headless chromium into OUT.png. Needs tmux and chromium.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cliMain = path.resolve(here, '../src/cli/main.js');

const PALETTE: Record<number, string> = {
  30: '#2e3436', 31: '#ef2929', 32: '#8ae234', 33: '#fce94f', 34: '#729fcf', 35: '#ad7fa8', 36: '#34e2e2', 37: '#d3d7cf',
  90: '#888a85', 91: '#ef2929', 92: '#8ae234', 93: '#fce94f', 94: '#729fcf', 95: '#ad7fa8', 96: '#34e2e2', 97: '#eeeeec',
};
const FG = '#d3d7cf';
const BG = '#1e1e1e';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** ANSI SGR text (what capture-pane -e prints) as HTML spans. */
export function ansiToHtml(ansi: string): string {
  let fg: string | undefined;
  let bold = false;
  let inverse = false;
  let out = '';
  // eslint-disable-next-line no-control-regex
  const parts = ansi.split(/(\u001b\[[0-9;]*m)/);
  for (const part of parts) {
    const m = /^\u001b\[([0-9;]*)m$/.exec(part);
    if (m !== null) {
      const codes = m[1] === '' ? [0] : m[1]!.split(';').map(Number);
      for (const c of codes) {
        if (c === 0) { fg = undefined; bold = false; inverse = false; } else if (c === 1) bold = true;
        else if (c === 22) bold = false;
        else if (c === 7) inverse = true;
        else if (c === 27) inverse = false;
        else if (c === 39) fg = undefined;
        else if (PALETTE[c] !== undefined) fg = PALETTE[c];
      }
      continue;
    }
    if (part === '') continue;
    const color = inverse ? BG : fg ?? FG;
    const style = `color:${color}${inverse ? `;background:${fg ?? FG}` : ''}${bold ? ';font-weight:bold' : ''}`;
    out += `<span style="${style}">${escapeHtml(part)}</span>`;
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const files = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));
  const opt = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1]! : def;
  };
  if (files.length !== 2) {
    console.error('usage: node dist/bench/watch-screenshot.js CAPTURE OUT.png [--seconds 12] [--speed 2] [--cols 120] [--rows 34] [--keys KEYS]');
    process.exit(1);
  }
  const [capture, png] = files as [string, string];
  const seconds = Number(opt('seconds', '12'));
  const cols = Number(opt('cols', '120'));
  const rows = Number(opt('rows', '34'));
  const keys = opt('keys', '').split(',').filter((k) => k !== '');
  const socket = `mqtt-pcap-shot-${process.pid}`;
  const tmux = (...a: string[]): string => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' }).stdout;
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliMain)} watch ${JSON.stringify(capture)} --replay --speed ${opt('speed', '2')} --color; sleep 60`;
  tmux('new-session', '-d', '-s', 'shot', '-c', process.cwd(), '-x', String(cols), '-y', String(rows), 'bash', '-c', command);
  const sleep = (s: number): void => { spawnSync('sleep', [String(s)]); };
  let ansi = '';
  try {
    sleep(seconds / 2);
    for (const k of keys) tmux('send-keys', '-t', 'shot', k);
    sleep(seconds / 2);
    ansi = tmux('capture-pane', '-e', '-p', '-t', 'shot');
  } finally {
    tmux('kill-server');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-pcap-shot-'));
  try {
    const html = path.join(dir, 'screen.html');
    const charW = 8.4;
    const lineH = 17;
    const width = Math.ceil(cols * charW + 32);
    const height = Math.ceil(rows * lineH + 32);
    writeFileSync(html, `<!doctype html><meta charset="utf-8"><style>html,body{margin:0;background:${BG}}
pre{margin:0;padding:16px;font:14px/${lineH}px "DejaVu Sans Mono",monospace;color:${FG}}</style>
<pre>${ansi.split('\n').slice(0, rows).map(ansiToHtml).join('\n')}</pre>`);
    const r = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${width},${height}`,
      `--screenshot=${path.resolve(png)}`, `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`chromium: ${r.stderr}`);
    console.error(`wrote ${png} (${width}x${height})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
