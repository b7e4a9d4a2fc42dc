/**
 * What the outputs say, session 16 (helper `rows`), each on a capture a real program made in the namespace lab:
 * a refused CONNECT starts no session; the report's roles past its connection cap; the verdict beside a printed
 * warning; a capture cut to a tiny snaplen; connections the tool itself evicted are not a capture that started late.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { LifecycleEvent, MqttEvent, MqttSessionEndedEvent, TimelineEvent } from '../src/index.js';
import { DiagnosisStage } from '../src/diagnosis/stage.js';
import { FINDING_CODES, type FindingCode } from '../src/model/findings.js';
import { renderDiagnosis } from '../src/views/diagnosis-text.js';
import { makeStyle } from '../src/views/style.js';
import { repoRoot } from './helpers/corpus.js';
import { reportOf } from './helpers/report.js';
import { tsharkFields, tsharkMissing } from './helpers/tshark.js';
import { toolsSkip } from './helpers/tools.js';

const fixture = (name: string): string => path.join(repoRoot, 'fixtures', name);
const CLI = path.join(repoRoot, 'dist/src/cli/main.js');

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The Diagnosis section of a text output. */
function diagnosisSection(out: string): string {
  const at = out.lastIndexOf('\nDiagnosis\n');
  assert.ok(at >= 0, 'a Diagnosis section');
  return out.slice(at + '\nDiagnosis\n'.length);
}

function lifecycle(events: TimelineEvent[]): LifecycleEvent[] {
  return events.filter((e): e is LifecycleEvent => e.kind === 'lifecycle');
}

function mqtt(events: TimelineEvent[]): MqttEvent[] {
  return events.filter((e): e is MqttEvent => e.kind === 'packet' && e.layer === 'mqtt');
}

describe('1. a refused CONNECT starts no session', () => {
  test('fault-bad-password: three CONNACKs refuse (5, 0x87, 5): no session-started, each end says refused; the summary keeps the user', async () => {
    const file = fixture('faults/fault-bad-password.pcap');
    const { events, summary } = await analyzeCapture(file);
    const connacks = mqtt(events).filter((e) => e.type === 'CONNACK');
    if (tsharkMissing === undefined) {
      // tshark: three CONNACKs, none accepting (3.1.1 return code 5; MQTT 5 reason code 0x87).
      const rows = tsharkFields(file, ['frame.number', 'mqtt.conack.val', 'mqtt.connack.reason_code'], ['-Y', 'mqtt.msgtype == 2']);
      assert.deepEqual(rows.map((r) => `${r[0]} ${r[1] || r[2]}`), connacks.map((e) => `${e.frame} ${e.reasonCode ?? e.returnCode}`));
    }
    assert.deepEqual(connacks.map((e) => e.accepted), [false, false, false]);
    const life = lifecycle(events);
    assert.deepEqual(life.filter((e) => e.type === 'session-started').map((e) => e.frame), [], 'no session started');
    const ends = life.filter((e): e is MqttSessionEndedEvent => e.type === 'session-ended');
    assert.deepEqual(ends.map((e) => `${e.stream} ${e.clientId} ${e.notStarted} ${e.connackCode}`),
      ['0 lab-pub refused 5', '1 lab-pub5 refused 135', '2 lab-anon refused 5']);
    assert.match(ends[0]!.summary, /^MQTT session of client "lab-pub" refused by the broker \(CONNACK return code 5\), so it never started/);
    assert.match(ends[1]!.summary, /refused by the broker \(CONNACK reason code 0x87\)/);
    assert.ok(ends.every((e) => !/ started/.test(e.summary.replace('never started', ''))), 'no "started" said');
    // The summary lists the attempts with what their CONNECT said (the user name that was refused).
    assert.deepEqual(summary.mqtt.sessions.map((s) => `${s.clientId} ${s.username ?? '-'} ${s.cleanSession} ${s.accepted}`),
      ['lab-pub lab true false', 'lab-pub5 lab true false', 'lab-anon - true false']);
    const { en, id } = await reportOf(file);
    assert.ok(!en.includes('MQTT session started') && !id.includes('sesi MQTT dimulai'), 'the report starts no session either');
    assert.ok(en.includes('MQTT session refused by the broker, never started'), 'en');
    assert.ok(id.includes('sesi MQTT ditolak broker, tidak pernah dimulai'), 'id');
  });

  test('reqresp: an accepted session starts at its CONNACK, right after the CONNACK\'s own event', async () => {
    const { events } = await analyzeCapture(fixture('reqresp.pcap'));
    const started = lifecycle(events).filter((e) => e.type === 'session-started');
    const connacks = mqtt(events).filter((e) => e.type === 'CONNACK' && e.accepted === true);
    assert.deepEqual(started.map((e) => e.frame), connacks.map((e) => e.frame));
    for (const s of started) {
      const i = events.indexOf(s);
      const before = events[i - 1];
      assert.ok(before !== undefined && before.kind === 'packet' && before.type === 'CONNACK', `${s.frame}`);
    }
  });

  test('edge/brute-force: 200 refused CONNECTs start no session; the one accepted does', async () => {
    const { events } = await analyzeCapture(fixture('edge/brute-force.pcap'));
    const refused = mqtt(events).filter((e) => e.type === 'CONNACK' && e.accepted === false).length;
    const accepted = mqtt(events).filter((e) => e.type === 'CONNACK' && e.accepted === true).map((e) => e.frame);
    assert.ok(refused >= 100, `${refused}`);
    const life = lifecycle(events);
    assert.deepEqual(life.filter((e) => e.type === 'session-started').map((e) => e.frame), accepted);
    assert.equal(life.filter((e) => e.type === 'session-ended' && e.notStarted === 'refused').length, refused);
  });
});

describe('2. the report\'s roles past its connection cap', () => {
  test('edge/brute-force: the client that got in after 200 refused logins is a publisher, in both languages; the counts say so', async () => {
    const file = fixture('edge/brute-force.pcap');
    const { en, id, events } = await reportOf(file);
    // The last connection (far past the report's 40 told) published once; the broker forwarded it to lab-sub.
    const pub = mqtt(events).filter((e) => e.type === 'PUBLISH' && e.direction === 'client');
    assert.deepEqual(pub.map((e) => `${e.frame} ${e.src.split(':')[0]} ${e.topic}`), ['2025 172.18.0.4 sister/temp']);
    if (tsharkMissing === undefined) {
      assert.deepEqual(tsharkFields(file, ['frame.number', 'ip.src'], ['-Y', 'mqtt.msgtype == 3']).map((r) => r.join(' ')), ['2025 172.18.0.4', '2027 172.18.0.2']);
    }
    assert.ok(!/neither publishes nor subscribes/.test(en), 'en: not "neither publishes nor subscribes"');
    assert.ok(en.includes('- 172.18.0.4 (client id `brute`) is a publisher: it sends 1 PUBLISH to `sister/temp` (frame 2025).'), 'en');
    assert.ok(en.includes('1 message was published to the broker and 1 message delivered'), 'en counts');
    assert.ok(en.includes('202 TCP connections and 2 MQTT sessions (and 200 CONNECTs the broker refused, which started none)'), 'en sessions');
    assert.ok(!/tidak melakukan publish maupun subscribe/.test(id), 'id');
    assert.ok(id.includes('- 172.18.0.4 (client id `brute`) berperan sebagai publisher: host ini mengirim 1 PUBLISH ke topik `sister/temp` (frame 2025).'), 'id');
    assert.ok(id.includes('1 pesan di-publish ke broker'), 'id counts');
  });
});

describe('3. the verdict agrees with the findings printed beside it', () => {
  test('edge/corrupt-end: a tcp.bad-checksum-dropped warning is printed, so the Diagnosis does not say all is well (en, id; table, summary)', async () => {
    const file = fixture('edge/corrupt-end.pcap');
    if (tsharkMissing === undefined) {
      // The segment with the bad checksum (frame 10) as tshark sees it when told to verify checksums.
      const bad = tsharkFields(file, ['frame.number'], ['-o', 'tcp.check_checksum:TRUE', '-Y', 'tcp.checksum.status == 0']).map((r) => r[0]);
      assert.deepEqual(bad, ['10']);
    }
    const summary = cli('analyze', file, '--format', 'summary');
    assert.match(summary, /│ tcp\.bad-checksum-dropped │ 1 /, 'the Findings table prints the warning');
    for (const [args, words] of [
      [['--format', 'summary'], /^warning Not all is well: no diagnosis matched, but the analysis found 1 warning: tcp\.bad-checksum-dropped /],
      [[], /^warning Not all is well: /],
      [['--format', 'summary', '--lang', 'id'], /^warning Tidak semuanya baik: tidak ada diagnosis yang cocok, tetapi analisis menemukan 1 warning: tcp\.bad-checksum-dropped /],
    ] as const) {
      const section = diagnosisSection(cli('analyze', file, ...args));
      assert.match(section, words, args.join(' '));
      assert.doesNotMatch(section, /All is well|Semua baik/, args.join(' '));
    }
    // A healthy capture still says all is well.
    assert.match(diagnosisSection(cli('analyze', fixture('reqresp.pcap'), '--format', 'summary')), /^✓ All is well/);
  });

  test('every edge and fault capture: "All is well" only when no finding of warning level or above was found', async () => {
    const style = makeStyle(false);
    for (const dir of ['edge', 'faults']) {
      for (const name of readdirSync(fixture(dir)).filter((n) => /\.pcap(ng)?$/.test(n)).sort()) {
        const diagnoses: import('../src/index.js').FindingEvent[] = [];
        const { summary } = await analyzeCapture(fixture(`${dir}/${name}`), {
          stages: [new DiagnosisStage()], onEvent: (e) => { if (e.kind === 'finding' && e.code.startsWith('diag.')) diagnoses.push(e); },
        });
        const worrying = Object.keys(summary.findings.byCode).filter((c) => (c in FINDING_CODES) && FINDING_CODES[c as FindingCode].severity !== 'note');
        const text = renderDiagnosis(diagnoses, style, 'en', undefined, summary.findings.byCode);
        if (text.includes('All is well')) assert.deepEqual(worrying, [], `${dir}/${name}`);
      }
    }
  });
});

describe('4. a capture cut to a tiny snaplen is said to be one', () => {
  test('edge/headers-only (tcpdump -s 54 of the lab exchange): diag.no-mqtt blames the snaplen, not the interface or the filter (en, id)', async () => {
    const file = fixture('edge/headers-only.pcap');
    if (tsharkMissing === undefined) {
      // tshark: no MQTT, every TCP frame on 1883 cut ([Packet size limited during capture]: frame.len > frame.cap_len).
      assert.equal(tsharkFields(file, ['frame.number'], ['-Y', 'mqtt']).length, 0);
      const tcp = tsharkFields(file, ['frame.number', 'frame.len', 'frame.cap_len', 'tcp.port'], ['-Y', 'tcp']);
      assert.equal(tcp.length, 47);
      assert.ok(tcp.every((r) => Number(r[1]) > Number(r[2]) && Number(r[2]) === 54 && r[3]!.split(',').includes('1883')), 'all cut at 54 bytes, on 1883');
    }
    const en = diagnosisSection(cli('analyze', file, '--format', 'summary'));
    assert.match(en, /^error {3}The capture holds no MQTT that can be read: 47 of its 51 frames were cut by the capture's snapshot length before their TCP payload/);
    assert.match(en, /usual cause: the capture was made with a tiny snapshot length/);
    assert.match(en, /check: capture again with whole packets: `tcpdump -s 0` \(tcpdump's default, 262144 bytes/);
    assert.doesNotMatch(en, /wrong interface|capture filter|bridge/);
    const id = diagnosisSection(cli('analyze', file, '--format', 'summary', '--lang', 'id'));
    assert.match(id, /^error {3}Capture ini tidak berisi MQTT yang bisa dibaca: 47 dari 51 frame-nya terpotong oleh snapshot length/);
    assert.match(id, /periksa: capture ulang dengan paket utuh: `tcpdump -s 0`/);
    assert.doesNotMatch(id, /interface yang salah|capture filter/);
    // Both paths (full, summary-only) diagnose the same.
    const table = diagnosisSection(cli('analyze', file));
    assert.match(table, /^error {3}The capture holds no MQTT that can be read: 47 of its 51 frames/);
  });

  test('reqresp cut by editcap to 52, 64 and 66 bytes (the TCP header cut, or whole with no payload): the same; a capture without MQTT frames still blames the interface', { skip: toolsSkip(['editcap']) }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rows-snaplen-'));
    try {
      for (const snaplen of [52, 64, 66]) {
        const cut = path.join(dir, `reqresp-s${snaplen}.pcap`);
        const r = spawnSync('editcap', ['-s', String(snaplen), fixture('reqresp.pcap'), cut], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const en = diagnosisSection(cli('analyze', cut, '--format', 'summary'));
        assert.match(en, /^error {3}The capture holds no MQTT that can be read: \d+ of its 50 frames were cut by the capture's snapshot length/, `-s ${snaplen}`);
        assert.match(en, /`tcpdump -s 0`/, `-s ${snaplen}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const none = diagnosisSection(cli('analyze', fixture('faults/fault-no-mqtt.pcap'), '--format', 'summary'));
    assert.match(none, /^error {3}The capture holds no MQTT at all: .*\n.*the capture ran on the wrong interface/);
  });
});

describe('5. connections the tool evicted are not a capture that started late', () => {
  test('edge/brute-force with --max-connections 4 and 16: lab-sub\'s connection, evicted while open, continues; no diag.capture-started-late', async () => {
    const file = fixture('edge/brute-force.pcap');
    const whole = await analyzeCapture(file);
    const sub = lifecycle(whole.events).find((e) => e.type === 'connection-opened' && e.stream === 0)!;
    // lab-sub's connection: a SYN in the capture (frame 3), open to the end, with its last packets at frames 2027-2034.
    assert.equal(sub.type === 'connection-opened' && sub.synSeen, true);
    for (const max of [4, 16]) {
      const { events } = await analyzeCapture(file, { maxConnections: max });
      const evicted = events.filter((e) => e.kind === 'finding' && e.code === 'tcp.connection-evicted');
      assert.ok(evicted.length > 100, `${max}: evictions`);
      const opened = lifecycle(events).filter((e) => e.type === 'connection-opened' && e.src === sub.src);
      assert.equal(opened.length, 2, `${max}: lab-sub's connection, then its continuation`);
      const again = opened[1]!;
      assert.ok(again.type === 'connection-opened' && again.evictedBefore === 0 && !again.synSeen, `${max}`);
      assert.match(again.summary, /^TCP connection \d+ continues connection 0, which the full connection table evicted/);
      const out = cli('analyze', file, '--max-connections', String(max), '--format', 'summary');
      assert.doesNotMatch(out, /capture-started-late|The capture started after/, `${max}`);
      assert.match(diagnosisSection(out), /diag\.password-guessing/, `${max}: the brute force is still told`);
    }
  });

  test('a capture that really started late (edge/midstream) is still said so', () => {
    assert.match(diagnosisSection(cli('analyze', fixture('edge/midstream.pcap'), '--format', 'summary')), /The capture started after/);
  });
});
