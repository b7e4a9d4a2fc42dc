/**
 * The command line as people expect it (issue #13): a mistyped command is named with a suggestion; an option that
 * does not apply to the chosen format is refused, not ignored; --format summary starts with its first heading; the
 * timeline table fits COLUMNS and wraps at spaces, never inside a word, and piped output is not wrapped; shell
 * completion scripts for bash and zsh. Runs the built CLI on the lab fixtures (made by fixtures/lab/capture.sh).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fixturesDir, repoRoot } from './helpers/corpus.js';
import { displayWidth, wrapWords } from '../src/views/text-layout.js';

const CLI = path.join(repoRoot, 'dist/src/cli/main.js');
const LAB = path.join(fixturesDir, 'reqresp.pcap');
const IPV6 = path.join(fixturesDir, 'ipv6.pcap');

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.NO_COLOR;
  delete e.FORCE_COLOR;
  if (env.COLUMNS === undefined) delete e.COLUMNS;
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: e, input: '' });
}

test('a mistyped command is named, with the command meant', () => {
  const r = run(['analyse', 'x.pcap']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.split('\n')[0], 'mqtt-pcap: unknown command "analyse" — did you mean "analyze"?');
  assert.equal(r.stdout, '');
  const check = run(['chekc', LAB, '--spec', 'x.json']);
  assert.equal(check.stderr.split('\n')[0], 'mqtt-pcap: unknown command "chekc" — did you mean "check"?');
  // A file name is still a file name: a missing one is reported as such (exit 2), an existing one analysed.
  const missing = run(['nothing-here.pcap']);
  assert.equal(missing.status, 2, missing.stderr);
  assert.equal(run([LAB, '-f', 'summary']).status, 0);
});

test('an option that does not apply to the format is refused (exit 1), and applied where it does', () => {
  for (const args of [['--lang', 'id', '-f', 'json'], ['--lang', 'id', '-f', 'ndjson'], ['-f', 'summary', '--only', 'mqtt'], ['-f', 'ndjson', '--color']]) {
    const r = run(['analyze', LAB, ...args]);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^mqtt-pcap: --(lang|only|color)/, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  const id = run(['analyze', LAB, '-f', 'markdown', '--lang', 'id']);
  const en = run(['analyze', LAB, '-f', 'markdown']);
  assert.equal(id.status, 0, id.stderr);
  assert.notEqual(id.stdout, en.stdout, '--lang id changes the Markdown report');
  // With the table and the summary, --lang words the Diagnosis section.
  const summaryId = run(['analyze', LAB, '-f', 'summary', '--lang', 'id']);
  assert.equal(summaryId.status, 0, summaryId.stderr);
  assert.match(summaryId.stdout, /\nDiagnosis\n✓ Semua baik/);
  assert.doesNotMatch(run(['analyze', LAB, '-f', 'summary']).stdout, /Semua baik/);
});

test('--format summary starts with its first heading, not a blank line', () => {
  const r = run(['analyze', LAB, '-f', 'summary']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith('Frames\n'), JSON.stringify(r.stdout.slice(0, 40)));
});

/** The timeline rows of a table (between the heading rule and the summary), split into cells. */
function timelineLines(out: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('├'));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('└'));
  return lines.slice(start + 1, end);
}

test('piped, the timeline table is not wrapped: one line per row; the protocol column holds ICMPv6', () => {
  const events = run(['analyze', IPV6, '-f', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { frame: number; layer: string; type: string });
  // TCP data segments whose bytes completed MQTT packets are shown as those packets.
  const mqttFrames = new Set(events.filter((e) => e.layer === 'mqtt').map((e) => e.frame));
  const rows = events.filter((e) => !(e.layer === 'tcp' && e.type === 'DATA' && mqttFrames.has(e.frame))).length;
  const table = run(['analyze', IPV6]);
  assert.equal(table.status, 0, table.stderr);
  const lines = timelineLines(table.stdout);
  assert.equal(lines.length, rows);
  assert.ok(lines.some((l) => / ICMPv6 │/.test(l)), 'ICMPv6 whole in its column');
});

test('with COLUMNS, the table fits and wraps at spaces: every word of every summary is whole on one line', () => {
  const piped = timelineLines(run(['analyze', LAB]).stdout).map((l) => l.split('│').map((c) => c.trim()));
  for (const columns of [80, 100, 132]) {
    const r = run(['analyze', LAB], { COLUMNS: String(columns) });
    assert.equal(r.status, 0, r.stderr);
    const lines = timelineLines(r.stdout);
    for (const line of lines) assert.ok(displayWidth(line) <= columns, `COLUMNS=${columns}: ${displayWidth(line)} columns: ${line}`);
    const wrappedText = lines.map((l) => l.split('│')[6] ?? '').join('\n');
    const summaryWidth = (lines[0]!.split('│')[6] ?? '').length - 2;
    for (const cells of piped) {
      for (const word of (cells[6] ?? '').split(' ')) {
        if (word === '' || word.length > summaryWidth) continue;
        assert.ok(new RegExp(`(^|[ \\n])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`, 'm').test(wrappedText), `COLUMNS=${columns}: "${word}" cut`);
      }
    }
    assert.ok(lines.length > piped.length, `COLUMNS=${columns}: some rows wrap`);
  }
});

test('word wrapping: lines at most the width, words whole, a word longer than a line cut after punctuation', () => {
  const text = 'Publish Message (id=3) sister/temp "Suhu: 28°C" — 0.211 ms after #21';
  for (let width = 8; width <= 40; width++) {
    const lines = wrapWords(text, displayWidth(text), width);
    for (const l of lines) assert.ok(l.width <= width && displayWidth(l.text) === l.width, `${width}: ${JSON.stringify(l)}`);
    assert.equal(lines.map((l) => l.text).join('').replace(/ /g, ''), text.replace(/ /g, ''), `${width}: no character lost`);
    if (width >= 11) for (const word of text.split(' ')) assert.ok(lines.some((l) => l.text.split(' ').includes(word)), `${width}: "${word}" cut`);
  }
  assert.deepEqual(wrapWords('[fd00:172:18::3]:37742', 22, 18).map((l) => l.text), ['[fd00:172:18::3]:', '37742']);
  assert.equal(displayWidth('温度 ok'), 7);
});

test('shell completion: bash and zsh scripts, and the completions they ask for', () => {
  const bash = run(['completion', 'bash']);
  assert.equal(bash.status, 0, bash.stderr);
  assert.match(bash.stdout, /complete -o bashdefault -o default -F _mqtt-pcap_yargs_completions mqtt-pcap/);
  const zsh = run(['completion', 'zsh']);
  assert.equal(zsh.status, 0, zsh.stderr);
  assert.match(zsh.stdout, /^#compdef mqtt-pcap/m);
  const commands = run(['--get-yargs-completions', 'mqtt-pcap', '']).stdout.split('\n');
  for (const c of ['analyze', 'check', 'completion']) assert.ok(commands.includes(c), `${c} in ${commands.join(',')}`);
  const formats = run(['--get-yargs-completions', 'mqtt-pcap', 'analyze', LAB, '--format', '']).stdout.split('\n');
  for (const f of ['table', 'summary', 'ndjson']) assert.ok(formats.includes(f), `${f} in ${formats.join(',')}`);
});

test('the bundled command (the package\'s bin) prints what dist/src/cli/main.js prints', () => {
  const bundle = path.join(repoRoot, 'dist/src/mqtt-pcap/mqtt-pcap.mjs');
  const viaBundle = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', input: '' });
  for (const args of [['--version'], ['analyze', LAB], ['analyze', IPV6, '-f', 'ndjson'], ['analyze', LAB, '-f', 'markdown', '--lang', 'id'], ['analyse', 'x.pcap'], ['completion', 'bash']]) {
    const a = viaBundle(args);
    const b = run(args);
    assert.equal(a.status, b.status, args.join(' '));
    assert.equal(a.stdout, b.stdout, args.join(' '));
    assert.equal(a.stderr, b.stderr, args.join(' '));
  }
});

test('--help, a command\'s --help and completion print and stop: exit 0, nothing on stderr, no command run', () => {
  for (const args of [['--help'], ['-h'], ['analyze', '--help'], ['check', '--help'], ['completion', 'bash'], ['completion']]) {
    const r = run(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '', args.join(' '));
    assert.ok(r.stdout.length > 0, args.join(' '));
  }
});

test('--only takes layers as separate words or comma-separated; a wrong one is named on lines of their own', () => {
  // The timeline's rows: up to its closing border (the summary's tables follow it).
  const rowsOf = (stdout: string) => stdout.slice(0, stdout.indexOf('└')).split('\n').filter((l) => /^│ \d/.test(l));
  const comma = run(['analyze', LAB, '--only', 'mqtt,finding']);
  const words = run(['analyze', LAB, '--only', 'mqtt', 'finding']);
  assert.equal(comma.status, 0, comma.stderr);
  assert.equal(comma.stdout, words.stdout);
  const rows = rowsOf(comma.stdout);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((l) => / MQTT +│ /.test(l)), 'only MQTT rows (reqresp.pcap has no finding)');
  assert.ok(rowsOf(run(['analyze', LAB]).stdout).some((l) => / TCP +│ /.test(l)), 'the full table has TCP rows');
  const wrong = run(['analyze', LAB, '--only', 'mqtt,fnding']);
  assert.equal(wrong.status, 1);
  assert.equal(wrong.stdout, '');
  // yargs' message spans lines: they reach the terminal as lines, not as a visible "\x0a".
  assert.doesNotMatch(wrong.stderr, /\\x0a/);
  assert.match(wrong.stderr, /^mqtt-pcap: Invalid values:\n {2}Argument: only, Given: "fnding"/);
});

test('an option given twice takes its last value; list options gather every value', () => {
  const lab = path.join(fixturesDir, 'reqresp.pcap');
  // --lang id --lang en: English (it was an internal error: the commands got an array).
  const lang = run(['analyze', lab, '--format', 'summary', '--lang', 'id', '--lang', 'en']);
  assert.equal(lang.status, 0, lang.stderr);
  assert.match(lang.stdout, /All is well/);
  // -o twice: the report is written to the last (it was: 'The "path" argument must be of type string').
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-pcap-twice-'));
  const report = run(['report', lab, '-o', path.join(dir, 'a.md'), '-o', path.join(dir, 'b.md')]);
  assert.equal(report.status, 0, report.stderr);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.md')), ['b.md']);
  // --only gathers: MQTT and TCP rows both.
  const rows = (args: string[]): number => run(['analyze', lab, ...args]).stdout.split('\n').filter((l) => /│ (MQTT|TCP) /.test(l)).length;
  const both = rows(['--only', 'mqtt', '--only', 'tcp']);
  assert.equal(both, rows(['--only', 'mqtt,tcp']));
  assert.ok(both > rows(['--only', 'mqtt']) && both > rows(['--only', 'tcp']));
});
