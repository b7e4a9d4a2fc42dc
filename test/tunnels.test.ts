/**
 * MQTT through the tunnels tshark follows besides VXLAN (fixtures/edge/tunnel-*.pcap, made by the lab's edge-tunnels
 * scenario: real Mosquitto and clients over IPv4 and IPv6, every frame mirrored by fixtures/lab/tunnelmirror.py in GRE,
 * gretap over IPv6, ERSPAN types I, II and III, IP in IP over IPv4 and over IPv6, Geneve, VXLAN-GPE and MPLS). Each
 * capture against tshark (4.0, default preferences): every MQTT message at tshark's frame, the tunnel header's fields
 * tshark shows, the tunnel in the summary and the events, the inner hosts and connections, and against what happened
 * (the lab's 35 messages, every client's session closed by itself, nothing diagnosed). tunnel-snaplen.pcap, all of
 * them cut at 52 bytes: each frame a decode.truncated finding at the layer tshark stops in, never a crash.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCapture } from '../src/index.js';
import type { FindingEvent, TcpEvent } from '../src/index.js';
import { decodeFrame } from '../src/decode/frame.js';
import { messageKeys as keys, mqttOf, ourMessageKeys as ours } from './helpers/events.js';
import { tsharkFields, tsharkMissing, tsharkMqtt } from './helpers/tshark.js';
import { openTunnelCase, V4, V6, assertTunnelLabStory, decodeAll, edge, hex, missingEdge, type TunnelCase } from './helpers/tunnel-lab.js';

const missing = (name: string): string | undefined => missingEdge(name, 'edge-tunnels');


const CASES: TunnelCase[] = [
  {
    file: 'tunnel-gre.pcap', summary: { kind: 'gre', key: 1001, endpoints: V4 }, event: { kind: 'gre', dst: V4[1], key: 1001 },
    fields: ['gre.proto', 'gre.key', 'gre.sequence_number'],
    mine: (t) => t?.kind === 'gre' ? [hex(t.protocol), hex(t.key!, 8), String(t.sequence)] : [],
  },
  {
    file: 'tunnel-gretap.pcap', summary: { kind: 'gre', key: 2002, endpoints: V6 }, event: { kind: 'gre', dst: V6[1], key: 2002 },
    fields: ['gre.proto', 'gre.key', 'gre.sequence_number'],
    mine: (t) => t?.kind === 'gre' ? [hex(t.protocol), hex(t.key!, 8), t.sequence === undefined ? '' : String(t.sequence)] : [],
  },
  {
    file: 'tunnel-erspan1.pcap', summary: { kind: 'erspan', type: 1, endpoints: V4 }, event: { kind: 'erspan', dst: V4[1], type: 1 },
    fields: ['gre.proto', 'erspan.spanid', 'erspan.vlan'],
    mine: (t) => t?.kind === 'erspan' ? ['0x88be', String(t.session ?? ''), String(t.vlan ?? '')] : [],
  },
  {
    file: 'tunnel-erspan2.pcap', summary: { kind: 'erspan', type: 2, session: 7, endpoints: V4 }, event: { kind: 'erspan', dst: V4[1], type: 2, session: 7 },
    fields: ['gre.sequence_number', 'erspan.version', 'erspan.spanid', 'erspan.vlan'],
    mine: (t) => t?.kind === 'erspan' ? [String(t.sequence), String(t.type - 1), String(t.session), String(t.vlan)] : [],
  },
  {
    file: 'tunnel-erspan3.pcap', summary: { kind: 'erspan', type: 3, session: 9, endpoints: V4 }, event: { kind: 'erspan', dst: V4[1], type: 3, session: 9 },
    fields: ['gre.sequence_number', 'erspan.version', 'erspan.spanid', 'erspan.vlan'],
    mine: (t) => t?.kind === 'erspan' ? [String(t.sequence), String(t.type - 1), String(t.session), String(t.vlan)] : [],
  },
  {
    file: 'tunnel-ipip.pcap', summary: { kind: 'ip-in-ip', endpoints: V4 }, event: { kind: 'ip-in-ip', dst: V4[1] },
    fields: ['ip.proto'],
    // The outer packet's protocol, then the inner IPv4 packet's (tshark lists every occurrence).
    mine: (t, f) => t?.kind === 'ip-in-ip' ? [[t.ip.protocol, ...(f.ip?.version === 4 ? [f.ip.protocol] : [])].join(',')] : [],
  },
  {
    file: 'tunnel-ip6tnl.pcap', summary: { kind: 'ip-in-ip', endpoints: V6 }, event: { kind: 'ip-in-ip', dst: V6[1] },
    fields: ['ipv6.nxt'],
    mine: (t, f) => t?.kind === 'ip-in-ip' ? [[t.ip.protocol, ...(f.ip?.version === 6 ? [f.ip.protocol] : [])].join(',')] : [],
  },
  {
    file: 'tunnel-geneve.pcap', summary: { kind: 'geneve', vni: 4242, endpoints: V4 }, event: { kind: 'geneve', dst: `${V4[1]}:6081`, vni: 4242 },
    fields: ['geneve.version', 'geneve.proto_type', 'geneve.vni'],
    mine: (t) => t?.kind === 'geneve' ? [String(t.version), hex(t.protocol), hex(t.vni, 6)] : [],
  },
  {
    file: 'tunnel-gpe.pcap', summary: { kind: 'vxlan-gpe', vni: 4790, endpoints: V4 }, event: { kind: 'vxlan-gpe', dst: `${V4[1]}:4790`, vni: 4790 },
    fields: ['vxlan.next_proto', 'vxlan.vni'],
    mine: (t) => t?.kind === 'vxlan-gpe' ? [String(t.nextProtocol), String(t.vni)] : [],
  },
  {
    // MPLS is no tunnel: its labels are kept in the link layer, as VLAN tags are.
    file: 'tunnel-mpls.pcap', summary: undefined, event: undefined,
    fields: ['mpls.label'],
    mine: (_t, f) => [(f.link?.mplsLabels ?? []).join(',')],
  },
];

for (const c of CASES) {
  test(`MQTT through ${c.file.replace(/^tunnel-|\.pcap$/g, '')}: every message at tshark's frame, the tunnel's fields and the inner hosts as tshark shows them, the lab's story`,
    { skip: tsharkMissing ?? missing(c.file) }, async () => {
      const file = edge(c.file);
      // The tunnel header, frame by frame, field by field.
      const { a, decoded, rows } = await openTunnelCase(file, c.fields);
      for (const [i, f] of decoded.entries()) {
        assert.deepEqual(c.mine(f.tunnels[f.tunnels.length - 1], f), rows[i]!.slice(1), `frame ${f.frame}`);
        assert.equal(f.error, undefined, `frame ${f.frame}: ${f.error?.message}`);
      }
      // Every frame was carried in the tunnel: one summary entry counting them all.
      if (c.summary === undefined) assert.equal(a.summary.tunnels, undefined);
      else assert.deepEqual(a.summary.tunnels, [{ ...c.summary, frames: decoded.length }]);
      // TCP packet events: the inner endpoints (src/dst, the table's Source and Destination, tshark's columns) and
      // the tunnel they came through.
      const tcp = a.events.filter((e): e is TcpEvent => e.kind === 'packet' && e.layer === 'tcp');
      assert.deepEqual(tcp.map((e) => e.frame), tsharkFields(file, ['frame.number'], ['-Y', 'tcp']).map((r) => Number(r[0])));
      for (const e of tcp) {
        assert.match(`${e.src} ${e.dst}`, /^(172\.18\.0\.[23]:\d+ 172\.18\.0\.[23]:\d+|\[fd18::[23]\]:\d+ \[fd18::[23]\]:\d+)$/, `frame ${e.frame}`);
        if (c.event === undefined) { assert.equal(e.tunnels, undefined); continue; }
        assert.equal(e.tunnels?.length, 1, `frame ${e.frame}`);
        const { src, ...rest } = e.tunnels[0]!;
        assert.deepEqual(rest, c.event, `frame ${e.frame}`);
        assert.ok(src.startsWith(c.summary!.endpoints[0]), src);
      }
      await assertTunnelLabStory(file, a);
    });
}

/** Our decoder's error layer for the layer tshark's dissection ends in, when a frame is cut short. */
const CUT_LAYER: Record<string, string> = {
  gre: 'gre', erspan: 'erspan', eth: 'link', geneve: 'geneve', ip: 'ipv4', ipv6: 'ipv6', tcp: 'tcp',
  // tshark lists no protocol for VXLAN-GPE when its header is cut: the dissection ends at UDP.
  udp: 'vxlan-gpe',
};

test('every tunnel cut at 52 bytes (tcpdump -i any -s 52): each frame a decode.truncated finding at the layer tshark stops in, no MQTT, no crash',
  { skip: tsharkMissing ?? missing('tunnel-snaplen.pcap') }, async () => {
    const file = edge('tunnel-snaplen.pcap');
    const a = await analyzeCapture(file);
    assert.deepEqual(ours(a), keys(tsharkMqtt(file)));
    assert.equal(mqttOf(a).length, 0);
    const rows = tsharkFields(file, ['frame.number', 'frame.protocols']);
    const decoded = await decodeAll(file);
    assert.equal(decoded.length, rows.length);
    const layers = new Set<string>();
    for (const [i, [frame, protocols]] of rows.entries()) {
      const last = protocols!.split(':').pop()!;
      const f = decoded[i]!;
      assert.deepEqual([f.frame, f.error?.code, f.error?.layer], [Number(frame), 'decode.truncated', CUT_LAYER[last]], `frame ${frame} (${protocols})`);
      layers.add(last);
    }
    // The findings (the first of each kind listed, all counted), the frames counted as decoded.
    const first = a.events.find((e): e is FindingEvent => e.kind === 'finding' && e.code === 'decode.truncated');
    assert.equal(first?.frame, 1);
    assert.equal(a.summary.frames.decoded, rows.length);
    // Cut in each tunnel header, and in the inner frame behind ERSPAN type I, IP in IP and MPLS.
    assert.deepEqual([...layers].sort(), ['erspan', 'eth', 'geneve', 'gre', 'ip', 'ipv6', 'tcp', 'udp']);
  });

test('IPv4 in IPv4 nested 3000 times (a hostile frame): 8 tunnels followed, then decode.error, quickly, no crash', () => {
  // Raw IPv4 (link type 228); each header's total length 0 (taken as "the rest of the frame", as for TSO), protocol 4.
  const header = Buffer.from('45000000000100004004000001020304' + '05060708', 'hex');
  const data = Buffer.concat(Array.from({ length: 3000 }, () => header));
  const started = process.hrtime.bigint();
  const f = decodeFrame({ frame: 1, tsSec: 0, tsNsec: 0, linkType: 228, data, originalLength: data.length, interfaceId: 0 });
  assert.ok(process.hrtime.bigint() - started < 50_000_000n, 'decoded in well under 50 ms');
  assert.equal(f.tunnels.length, 8);
  assert.ok(f.tunnels.every((t) => t.kind === 'ip-in-ip' && t.ip.src === '1.2.3.4'));
  assert.deepEqual([f.error?.layer, f.error?.code, f.other, f.ip?.protocol], ['ip-in-ip', 'decode.error', 'ip-in-ip', 4]);
});
