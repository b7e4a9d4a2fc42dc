/**
 * Bahasa Indonesia laporan: setiap kalimat, judul, kepala tabel dan nilai dari phrasebook (words.ts), dengan istilah
 * teknis yang lazim dipertahankan dalam laporan praktikum (broker, publish, subscribe, handshake, ACK, frame).
 * Angka desimal memakai koma. Hanya kata-kata: tidak ada fakta yang dihitung di sini.
 */
import { PROTOCOL_VERSIONS } from '../model/names.js';
import { describeEvent, type EventWords } from './describe.js';
import { sharedSubscriptionPrefix } from '../mqtt/topic.js';
import { code, strong, type Inline } from './document.js';
import type { FindingGroup, Role, Transport } from './facts.js';
import { clearsRetainedRun } from './facts.js';
import { frameList, reasonWords, type Who, type Words } from './words.js';

const num = (value: number, digits: number): string => value.toFixed(digits).replace('.', ',');
const ms = (value: number): string => `${num(value, 3)} ms`;
const seconds = (value: number): string => `${num(value, value >= 10 ? 1 : 2)} detik`;
const frames = (list: number[], total?: number): string => `frame ${frameList(list, 'dan', (n) => `dan ${n} lainnya`, total)}`;

function who(w: Who): Inline[] {
  return w.clientId !== undefined && w.clientId !== '' ? [code(w.clientId), ` (${w.ip})`] : [w.ip];
}

function version(v: number | undefined): string {
  return v === undefined ? 'MQTT (versi tidak diketahui)' : `MQTT ${PROTOCOL_VERSIONS[v] ?? v}`;
}

const CONNACK_3: Record<number, string> = {
  0: 'koneksi diterima',
  1: 'koneksi ditolak: versi protokol tidak didukung',
  2: 'koneksi ditolak: client id tidak diterima',
  3: 'koneksi ditolak: server tidak tersedia',
  4: 'koneksi ditolak: nama pengguna atau kata sandi salah',
  5: 'koneksi ditolak: tidak berwenang',
};

const REASON_5: Record<number, string> = {
  0x00: 'berhasil', 0x80: 'kesalahan yang tidak dirinci', 0x81: 'paket rusak', 0x82: 'kesalahan protokol',
  0x84: 'versi protokol tidak didukung', 0x85: 'client id tidak valid', 0x86: 'nama pengguna atau kata sandi salah',
  0x87: 'tidak berwenang', 0x88: 'server tidak tersedia', 0x89: 'server sibuk', 0x8a: 'diblokir',
  0x8c: 'metode autentikasi salah', 0x8e: 'sesi diambil alih koneksi lain', 0x95: 'paket terlalu besar',
  0x97: 'kuota terlampaui', 0x9f: 'laju koneksi terlampaui',
};

function connackText(c: number, v: number | undefined): string {
  if (v === 5) return c === 0 ? 'koneksi diterima' : `koneksi ditolak: ${REASON_5[c] ?? `kode alasan 0x${c.toString(16).padStart(2, '0')}`}`;
  return CONNACK_3[c] ?? `kode balasan ${c}`;
}

function portPhrase(port: number, transport: Transport): string {
  if (transport === 'tls') return `port ${port} (MQTT melalui TLS: isi paket MQTT terenkripsi)`;
  if (transport === 'websocket') return `port ${port} (MQTT melalui WebSocket)`;
  if (port === 1883) return 'port 1883, port standar MQTT';
  return `port ${port} (bukan port standar MQTT 1883)`;
}

function qosList(list: number[]): string {
  return list.map((q) => (q >= 0x80 ? `ditolak (0x${q.toString(16)})` : `QoS ${q}`)).join(', ');
}

const ROLE: Record<Role, string> = { broker: 'broker', publisher: 'publisher', subscriber: 'subscriber', client: 'klien' };

const MQTT_PURPOSE: Record<string, string> = {
  PINGREQ: 'untuk menandakan bahwa sesi masih hidup (keep-alive)',
  PINGRESP: 'sebagai jawaban atas ping keep-alive',
  UNSUBSCRIBE: 'untuk membatalkan subscribe',
  UNSUBACK: 'sebagai konfirmasi pembatalan subscribe',
  PUBACK: 'sebagai tanda terima pesan QoS 1',
  PUBREC: 'sebagai tanda terima pertama pesan QoS 2',
  PUBREL: 'untuk melepas pesan QoS 2',
  PUBCOMP: 'untuk menuntaskan pengiriman pesan QoS 2',
  AUTH: 'untuk autentikasi lanjutan',
};

/** Penjelasan setiap kode temuan dalam katalog (docs/findings.md), dalam Bahasa Indonesia. */
const FINDING_TEXT: Record<string, string> = {
  'capture.truncated-record': 'Berkas berakhir di tengah sebuah record; frame sebelumnya tetap dianalisis.',
  'capture.bad-block': 'Panjang record atau blok pcap/pcapng tidak mungkin; pembacaan berhenti di situ.',
  'capture.bad-record': 'Sebuah record menyatakan panjang tangkapan yang tidak mungkin.',
  'capture.unknown-interface': 'Blok paket pcapng menyebut interface yang tidak pernah dideskripsikan; blok itu dilewati.',
  'capture.gzip-truncated': 'Aliran gzip berakhir terlalu cepat; frame sebelum potongan tetap dianalisis.',
  'capture.unknown-block': 'Blok pcapng yang jenisnya tidak kami baca dilewati.',
  'capture.notice': 'Catatan lain dari pembaca berkas capture.',
  'decode.truncated': 'Frame terlalu pendek untuk header yang diumumkannya; lapisan sebelumnya tetap dipakai.',
  'decode.bad-header-length': 'Panjang header IPv4/IPv6/TCP tidak mungkin.',
  'decode.bad-version': 'Header IP memiliki versi selain 4 atau 6.',
  'decode.bad-total-length': 'Panjang total IP lebih kecil dari header-nya; hanya lapisan IP yang dipakai.',
  'decode.internal': 'Decoder gagal secara tak terduga pada frame ini (sebuah bug: mohon laporkan bersama capture-nya).',
  'decode.unsupported-link': 'Interface memakai jenis link yang tidak kami dekode; frame-nya dihitung sebagai tidak terdekode.',
  'decode.error': 'Masalah lain saat mendekode frame.',
  'ip.fragment': 'Fragmen IP disusun ulang menjadi satu datagram (seperti ip.defragment tshark): TCP dan MQTT di dalamnya dibaca pada frame yang melengkapinya.',
  'ip.fragment-overlap': 'Fragmen IP menimpa byte datagramnya dengan isi yang berbeda: byte yang pertama dipertahankan.',
  'ip.fragment-bad': 'Fragmen IP yang tidak mungkin (melewati 65 535 byte, panjang bukan kelipatan 8, atau akhir datagram yang berbeda); fragmen itu dilewati.',
  'ip.fragment-incomplete': 'Datagram IP yang fragmennya tidak pernah lengkap; lapisan di atasnya tidak dibaca.',
  'capture.decryption-secrets': 'Blok Decryption Secrets pcapng: key log TLS di dalamnya dipakai seperti --keylog.',
  'tcp.reassembly-cap': 'Data yang datang tidak berurutan melebihi batas penyusunan ulang; celah sebelumnya dianggap hilang.',
  'tcp.connection-evicted': 'Tabel koneksi penuh; koneksi yang paling lama tidak aktif ditutup lebih awal.',
  'tcp.snaplen': 'Frame terpotong oleh snapshot length: paket MQTT dilaporkan dari bagian awal yang tertangkap.',
  'tcp.gap': 'Sebagian byte aliran TCP tidak pernah tertangkap; pembacaan MQTT menyesuaikan diri setelah celah itu.',
  'mqtt.bad-remaining-length': 'Kolom Remaining Length lebih panjang dari 4 byte.',
  'mqtt.resync': 'Byte dilewati sambil mencari header MQTT berikutnya yang valid (setelah celah atau data sampah).',
  'mqtt.incomplete-at-end': 'Aliran berakhir di tengah sebuah paket MQTT.',
  'mqtt.incomplete': 'Hanya bagian awal paket MQTT ini yang tertangkap.',
  'mqtt.packet-too-large': 'Paket melebihi batas buffer (--max-packet-bytes): bagian awalnya didekode, sisanya dilewati.',
  'mqtt.invalid-qos': 'Sebuah PUBLISH (atau subscribe) memakai QoS 3, yang tidak ada.',
  'mqtt.reserved-flags': 'Flag header tetap berbeda dari nilai yang ditetapkan spesifikasi.',
  'mqtt.unknown-type': 'Jenis paket kontrol 0 (dicadangkan), atau AUTH sebelum MQTT 5.',
  'mqtt.bad-protocol': 'CONNECT dengan nama atau level protokol yang tidak dikenal.',
  'mqtt.bad-property': 'Bagian properti MQTT 5 tidak dapat dibaca.',
  'mqtt.property-not-allowed': 'Sebuah properti MQTT 5 muncul di jenis paket yang tidak boleh membawanya.',
  'mqtt.bad-utf8': 'Nama topik bukan UTF-8 yang valid atau mengandung U+0000.',
  'mqtt.malformed': 'Paket tidak dapat didekode oleh mqtt-packet.',
  'mqtt.unknown-topic-alias': 'Sebuah PUBLISH memakai topic alias yang belum pernah ditetapkan.',
  'mqtt.version-inferred': 'Tidak ada CONNECT yang tertangkap: versi protokol disimpulkan dari paket-paketnya.',
  'mqtt.connect-refused': 'Broker menolak koneksi (kode balasan CONNACK).',
  'mqtt.unanswered': 'Sebuah permintaan tidak pernah dijawab sebelum capture atau koneksi berakhir.',
  'mqtt.keepalive-exceeded': 'Klien diam lebih lama dari 1,5 kali keep-alive-nya.',
  'mqtt.pending-cap': 'Terlalu banyak permintaan yang menunggu jawaban pada satu koneksi; yang terbaru tidak dilacak.',
  'mqtt.websocket-malformed': 'Koneksi WebSocket membawa byte yang bukan frame WebSocket.',
  'mqtt.tls-malformed': 'Koneksi di port MQTT-over-TLS membawa byte yang bukan record TLS; sisanya tidak diperiksa.',
  'mqtt.tls': 'MQTT melalui TLS: isinya terenkripsi sehingga tidak dapat dibedah.',
};

const SEVERITY: Record<string, string> = { error: 'galat', warning: 'peringatan', note: 'catatan' };

function findingText(g: FindingGroup): string {
  return FINDING_TEXT[g.code] ?? 'Temuan dari analisis; penjelasan kodenya ada di docs/findings.md.';
}

export const ID: Words = {
  lang: 'id',
  number: num,
  ms,
  seconds,
  frames,
  yesNo: (value) => (value === undefined ? '' : value ? 'ya' : 'tidak'),
  role: (r) => ROLE[r],
  title: 'Laporan analisis capture MQTT',
  headings: {
    analysis: 'Analisis', whoIsWho: 'Peran setiap host', conclusion: 'Kesimpulan', story: 'Urutan komunikasi',
    hosts: 'Host', sessions: 'Sesi MQTT', topics: 'Topik', latency: 'Latensi', findings: 'Temuan',
    pictures: 'Gambar', timeline: 'Lampiran: linimasa',
  },
  fileLine: (file, o) => [strong('Berkas:'), ' ', code(file), `, ${o.frames} frame selama ${seconds(o.durationSeconds)}`,
    ...(o.start !== undefined ? [`, mulai ${o.start}`] : []), '.'],
  overview: (o) => [
    `Capture ini berisi ${o.connections} koneksi TCP dan ${o.sessions} sesi MQTT`,
    o.refused > 0 ? ` (ditambah ${o.refused} CONNECT yang ditolak broker, yang tidak memulai sesi); ` : '; ',
    `${o.published} pesan di-publish ke broker dan ${o.delivered} pesan diteruskan broker ke subscriber.`,
  ],
  host: (h) => {
    const out: Inline[] = [h.ip];
    if (h.clientIds.length > 0) {
      out.push(' (client id ');
      h.clientIds.forEach((id, i) => out.push(...(i > 0 ? [', '] : []), code(id)));
      out.push(')');
    }
    const parts: Inline[][] = [];
    if (h.sameMachineAs !== undefined) parts.push([`adalah alamat IPv6 milik ${h.sameMachineAs}, satu mesin yang sama (keduanya mengirim dari MAC ${h.mac ?? '?'})`]);
    if (h.broker !== undefined) {
      parts.push([`adalah broker: host ini menerima koneksi MQTT di ${h.broker.ports.map((p) => portPhrase(p.port, p.transport)).join(' dan ')} (SYN-ACK pada ${frames(h.broker.frames)})`]);
    }
    if (h.publishes !== undefined) {
      const topics: Inline[] = [];
      h.publishes.topics.forEach((t, i) => topics.push(...(i > 0 ? [', '] : []), code(t)));
      parts.push([`berperan sebagai publisher: host ini mengirim ${h.publishes.count} PUBLISH ke topik `, ...topics, ` (${frames(h.publishes.frames, h.publishes.count)})`]);
    }
    if (h.subscribes !== undefined) {
      const topics: Inline[] = [];
      h.subscribes.topics.forEach((t, i) => topics.push(...(i > 0 ? [', '] : []), code(t)));
      parts.push([`berperan sebagai subscriber: host ini melakukan subscribe ke topik `, ...topics, ` (${frames(h.subscribes.frames)})`]);
    }
    if (h.receives !== undefined) {
      parts.push([`menerima ${h.receives.count} pesan dari broker (${frames(h.receives.frames, h.receives.count)})`]);
    }
    if (h.connects !== undefined) parts.push([`adalah klien MQTT yang tidak melakukan publish maupun subscribe (${frames(h.connects.frames)})`]);
    if (h.encrypted !== undefined) parts.push([`adalah klien MQTT melalui TLS: apa yang di-publish atau di-subscribe-nya terenkripsi (${frames(h.encrypted.frames)})`]);
    parts.forEach((p, i) => out.push(i === 0 ? ' ' : i === parts.length - 1 ? (parts.length > 2 ? ', dan ' : ' dan ') : ', ', ...p));
    out.push('.');
    return out;
  },
  healthy: () => ['Komunikasi berjalan normal: setiap klien diterima oleh broker, setiap pesan yang di-publish sampai ke subscriber-nya, dan TCP tidak perlu melakukan retransmisi.'],
  healthyEncrypted: () => ['Tidak terlihat masalah: setiap koneksi TLS diterima dan TCP tidak perlu melakukan retransmisi. Namun komunikasi MQTT-nya terenkripsi, sehingga dari capture ini tidak dapat dinilai apakah pesan sampai ke tujuan.'],
  problems: (list) => list.map((p): Inline[] => {
    switch (p.kind) {
      case 'refused': return ['Broker menolak ', ...who(p.who), `: CONNACK pada frame ${p.frame} menyatakan ${connackText(p.code, p.version)}.`];
      case 'no-connack': return ['CONNECT dari ', ...who(p.who), ` (frame ${p.frame}) tidak mendapat CONNACK di dalam capture.`];
      case 'retransmissions': return [`TCP mengirim ulang ${p.count} segmen (${frames(p.frames, p.count)}): ada paket yang hilang atau terlambat di jalan.`];
      case 'undelivered': return p.retainedOnly
        ? [`Dari ${p.published} pesan yang di-publish ke `, code(p.topic), `, subscriber hanya menerima pesan retained${p.delivered > 1 ? ` (${p.delivered} salinan)` : ''}, yang dikirim broker saat mereka subscribe setelah pesan-pesan itu: broker hanya menyimpan pesan retained terakhir dari sebuah topik, dan pesan lainnya hanya diterima subscriber yang sudah subscribe saat pesan itu di-publish.`]
        : [`Dari ${p.published} pesan yang di-publish ke `, code(p.topic), `, hanya ${p.delivered} yang diteruskan broker ke subscriber di dalam capture.`];
      case 'finding': return [code(p.group.code), ` (${SEVERITY[p.group.severity] ?? p.group.severity}, ${frames(p.group.frames, p.group.count)}): `, ...p.text];
    }
  }),
  noMqtt: () => ['Tidak ada lalu lintas MQTT di dalam capture ini.'],
  arp: (a, targetIsBroker) => [
    `${a.askerIp} bertanya ke seluruh segmen jaringan (broadcast) siapa yang memiliki ${a.targetIp} (frame ${a.requestFrame}${a.repeats > 0 ? `, ditanyakan ${a.repeats + 1} kali` : ''})`,
    ...(a.replyFrame !== undefined
      ? [`; ${a.targetIp} menjawab bahwa alamat MAC-nya ${a.targetMac ?? ''} (frame ${a.replyFrame}). Dengan begitu ${a.askerIp} mengetahui alamat MAC ${targetIsBroker ? 'broker' : a.targetIp} dan dapat mengirim frame Ethernet kepadanya.`]
      : ['; tidak ada jawaban yang tertangkap.']),
  ],
  handshake: (c, w) => {
    if (c.synFrame === undefined) return ['Koneksi ', ...who(w), ` ke ${c.serverIp} di ${portPhrase(c.serverPort, c.transport)} sudah terbuka sebelum capture dimulai (handshake tidak tertangkap; frame pertama ${c.firstFrame}).`];
    const out: Inline[] = ['Three-way handshake TCP: ', ...who(w), ` membuka koneksi dari port ${c.client.slice(c.client.lastIndexOf(':') + 1)} ke broker ${c.serverIp} di ${portPhrase(c.serverPort, c.transport)}: SYN (frame ${c.synFrame})`];
    if (c.synAckFrame !== undefined) out.push(`, SYN-ACK (frame ${c.synAckFrame})`);
    if (c.handshakeAckFrame !== undefined) out.push(`, ACK (frame ${c.handshakeAckFrame})`);
    if (c.handshakeRttMs !== undefined) out.push(`, dengan RTT ${ms(c.handshakeRttMs)}`);
    if (c.transport === 'websocket' && c.preludeFrames.length > 0) out.push(`; lalu HTTP upgrade ke WebSocket (${frames(c.preludeFrames)}), yang sejak itu membawa paket-paket MQTT`);
    if (c.synRetransmissions > 0) out.push(`; SYN dikirim ${c.synRetransmissions + 1} kali sehingga koneksi tertunda menunggu timer pengiriman ulang`);
    if (c.synAckFrame === undefined) out.push(c.reset !== undefined ? `; broker menolaknya dengan RST (frame ${c.reset.frame})` : '; SYN tidak mendapat jawaban');
    out.push('.');
    return out;
  },
  connect: (c, w) => {
    const out: Inline[] = [];
    if (c.connect !== undefined) {
      const k = c.connect;
      out.push(`CONNECT (frame ${k.frame}): client id `, k.clientId === '' ? ((c.connack?.code ?? 0) !== 0 ? 'kosong' : 'kosong (broker yang menentukan)') : code(k.clientId), `, ${version(k.protocolVersion)}, keep-alive ${k.keepAlive ?? '?'} detik, clean session ${ID.yesNo(k.cleanSession)}`);
      if (k.username !== undefined) out.push(', nama pengguna ', k.username === '' ? 'kosong' : code(k.username));
      if (k.willTopic !== undefined) out.push(', pesan will di topik ', k.willTopic === '' ? 'kosong' : code(k.willTopic));
      out.push('. ');
    } else {
      out.push('CONNECT dari ', ...who(w), ` tidak tertangkap${c.inferredVersion !== undefined ? ` (${version(c.inferredVersion)} disimpulkan dari paket-paketnya)` : ''}. `);
    }
    if (c.connack !== undefined) {
      const a = c.connack;
      out.push(`Broker membalas dengan CONNACK (frame ${a.frame}): ${connackText(a.code, c.connect?.protocolVersion ?? c.inferredVersion)}`);
      if (a.latencyMs !== undefined) out.push(`, ${ms(a.latencyMs)} setelah CONNECT`);
      if (a.sessionPresent === true) out.push(', dan broker masih menyimpan sesi lama klien ini');
      out.push('.');
    } else {
      out.push('CONNACK dari broker tidak ada di dalam capture.');
    }
    return out;
  },
  subscribe: (_c, w, frame, subs, ackFrame, granted, latencyMs) => {
    const topics: Inline[] = [];
    subs.forEach((s, i) => topics.push(...(i > 0 ? [', '] : []), code(s.topic), ` (QoS ${s.qos})`));
    const out: Inline[] = [...who(w), ` mengirim SUBSCRIBE (frame ${frame}) untuk topik `, ...topics];
    if (ackFrame !== undefined) {
      out.push(`; SUBACK (frame ${ackFrame}) memberikan ${qosList(granted ?? [])}`);
      if (latencyMs !== undefined) out.push(` setelah ${ms(latencyMs)}`);
      const plain = subs.filter((s) => sharedSubscriptionPrefix(s.topic) === '');
      if (plain.length > 0) {
        out.push(`. Sejak saat itu broker meneruskan setiap pesan yang di-publish ke ${plain.length === 1 ? 'topik tersebut' : 'topik-topik tersebut'}${plain.length < subs.length ? ' (bukan shared subscription-nya)' : ''} kepada klien ini`);
        out.push(...(plain.some((s) => s.noLocal === true) ? [', kecuali pesannya sendiri (', code('No Local'), ')'] : []), '.');
      } else out.push('.');
      for (const s of subs) {
        const shared = sharedSubscriptionPrefix(s.topic);
        if (shared === '') continue;
        out.push(' ', code(s.topic), ' adalah shared subscription: broker memberikan setiap pesan yang cocok dengan ', code(s.topic.slice(shared.length)),
          ' hanya kepada satu anggota grup ', code(shared.slice(7, -1)), ', bukan kepada setiap anggota.');
      }
    } else {
      out.push('; SUBACK tidak tertangkap.');
    }
    return out;
  },
  publish: (run, w) => {
    const clears = clearsRetainedRun(run);
    const out: Inline[] = [...who(w), ` melakukan publish ${run.count === 1 ? 'satu pesan' : `${run.count} pesan`} ke topik `, code(run.topic), ` dengan QoS ${run.qos}${run.retain ? ' (retained)' : ''}`];
    if (clears) out.push(run.count === 1 ? ' dan payload kosong: pesan ini menghapus pesan retained topik itu, sehingga subscriber baru tidak lagi menerimanya' : ', masing-masing dengan payload kosong: pesan-pesan ini menghapus pesan retained topik itu, sehingga subscriber baru tidak lagi menerimanya');
    else if (run.payload !== undefined) {
      out.push(run.count === 1 ? ', berisi ' : run.samePayload ? ', masing-masing berisi ' : ', pesan pertama berisi ', code(run.payload.preview),
        ` (${run.payload.length} byte${run.payload.format === 'binary' ? ', biner, ditampilkan dalam hex' : ''}${run.payload.format === 'legacy' ? ', bukan teks UTF-8' : ''}`,
        ...(run.payload.format === 'legacy' ? legacyWords(run.payload.latin1 ?? []) : []), `${run.payload.cut ? ', terpotong' : ''})`);
      if (run.count > 1 && !run.samePayload) out.push(', sedangkan pesan lainnya berisi payload yang berbeda');
      if (run.clearFrames !== undefined) out.push(`; pesan pada ${frames(run.clearFrames)} berpayload kosong: ${run.clearFrames.length === 1 ? 'pesan itu menghapus' : 'masing-masing menghapus'} pesan retained topik itu`);
    }
    out.push(`, pada ${frames(run.frames, run.count)}`);
    if (run.interval !== undefined) {
      const i = run.interval;
      out.push(Math.abs(i.max - i.min) < 0.005 ? `, satu pesan setiap ${seconds(i.mean)}` : `, dengan jeda ${seconds(i.min)} sampai ${seconds(i.max)} (rata-rata ${seconds(i.mean)})`);
    }
    if (run.qos > 0) {
      const ack = run.qos === 1 ? 'PUBACK' : 'PUBREC';
      if (run.count === 1) out.push(run.acknowledged === 1 ? `; broker mengonfirmasinya dengan ${ack}` : `; ${ack} dari broker tidak ada di dalam capture`);
      else out.push(`; broker mengonfirmasi ${run.acknowledged} di antaranya dengan ${ack}`);
      if (run.ackLatencyMs !== undefined) out.push(` ${run.ackLatencyMs.count > 1 ? 'rata-rata ' : ''}setelah ${ms(run.ackLatencyMs.mean)}`);
    }
    out.push('.');
    return out;
  },
  delivery: (d, w, attached) => {
    const out: Inline[] = [attached ? 'Broker meneruskan ' : 'Broker mengirim ', `${d.count === 1 ? 'satu PUBLISH' : `${d.count} PUBLISH`} di topik `, code(d.topic), ' kepada ', ...who(w),
      `, pada ${frames(d.frames, d.count)}`];
    if (d.willOf !== undefined) {
      out.push(': Will milik ', code(d.willOf), ` (diatur di CONNECT-nya, frame ${d.willConnectFrame}), yang di-publish broker karena `,
        d.willTakeoverFrame !== undefined ? `koneksi lain mengambil alih client id itu (CONNECT, frame ${d.willTakeoverFrame})` : 'koneksi client itu berakhir tanpa DISCONNECT yang diterimanya');
      if (d.delayMs !== undefined) out.push(`, ${ms(d.delayMs.min)} setelah ${d.willTakeoverFrame !== undefined ? 'CONNECT itu' : 'koneksi itu berakhir'}`);
      out.push('.');
      return out;
    }
    if (d.delayMs !== undefined) {
      const x = d.delayMs;
      out.push(x.count === 1 ? `, ${ms(x.min)} setelah pesan dari publisher` : `, masing-masing ${ms(x.min)} sampai ${ms(x.max)} setelah pesan dari publisher (rata-rata ${ms(x.mean)})`);
    }
    if (d.linked < d.count - d.retained) out.push(`; ${d.count - d.retained - d.linked} di antaranya menyalin pesan yang publisher-nya tidak ada di dalam capture`);
    if (d.retained > 0) out.push(d.retained === d.count ? `; ${d.count === 1 ? 'pesan itu adalah pesan retained' : 'semuanya adalah pesan retained'} yang dikirim saat subscribe` : `; ${d.retained} di antaranya adalah pesan retained yang dikirim saat subscribe`);
    if (d.queued > 0) {
      out.push(`; ${d.queued === d.count ? (d.count === 1 ? 'pesan itu' : 'semuanya') : `${d.queued} di antaranya`} dipublish saat client ini sedang tidak terhubung: broker menyimpannya untuk sesi client tersebut dan mengirimkannya begitu client terhubung kembali`);
      if (d.heldMs !== undefined) out.push(`, ${d.heldMs.count === 1 ? '' : 'paling lama '}${ms(d.heldMs.max)} setelah pesan dari publisher`);
    }
    out.push('.');
    return out;
  },
  otherMqtt: (run, w) => [run.direction === 'client' ? '' : 'Broker mengirim ', ...(run.direction === 'client' ? who(w) : []),
    run.direction === 'client' ? ` mengirim ${run.type}` : `${run.type} kepada `, ...(run.direction === 'client' ? [] : who(w)),
    `${run.count > 1 ? ` sebanyak ${run.count} kali` : ''} ${MQTT_PURPOSE[run.type] ?? ''} (${frames(run.frames, run.count)})`,
    run.latencyMs !== undefined ? `, ${run.latencyMs.count > 1 ? 'rata-rata ' : ''}${ms(run.latencyMs.mean)} setelah paket yang dijawabnya.` : '.'],
  retransmissions: (r) => {
    const out: Inline[] = [`Retransmisi TCP: ${r.total} segmen dikirim ulang (${frames(r.frames, r.total)}).`];
    if (r.syn > 0) out.push(` ${r.syn} di antaranya SYN: percobaan pertama tidak dijawab tepat waktu sehingga koneksi tertunda oleh timer pengiriman ulang (merugikan bila berulang: broker mungkin tidak terjangkau atau kelebihan beban).`);
    if (r.data > 0) out.push(` ${r.data} di antaranya membawa data: salinan pertama atau ACK-nya hilang atau terlambat; TCP memperbaikinya dan MQTT tetap menerima setiap paket satu kali, tetapi lebih lambat (merugikan bila sering terjadi: pesan tertunda).`);
    if (r.other > 0) out.push(` ${r.other} di antaranya tidak membawa data (FIN atau ACK yang diulang): tidak berbahaya.`);
    return out;
  },
  teardown: (c, w) => {
    const out: Inline[] = [];
    const late = c.disconnect?.late === true;
    if (late) out.push(...who(w), ' tidak mengirim DISCONNECT sebelum koneksi ditutup; ');
    else if (c.disconnect?.unread !== undefined) {
      out.push(...who(w), ` mengirim DISCONNECT (frame ${c.disconnect.unread}), tetapi broker mengirim DISCONNECT-nya sendiri (frame ${c.disconnect.frame}${reasonWords(c.disconnect.reasonCode)}) sesudahnya: broker tidak menganggap DISCONNECT client itu sebagai salam penutup, ia mengakhiri sesi karena paket sebelumnya; `);
    } else if (c.disconnect?.by === 'server') out.push('Broker mengirim DISCONNECT kepada ', ...who(w), ` (frame ${c.disconnect.frame}${reasonWords(c.disconnect.reasonCode)}); `);
    else if (c.disconnect !== undefined) out.push(...who(w), ` mengirim DISCONNECT (frame ${c.disconnect.frame}); `);
    else if (c.mqtt && c.transport !== 'tls' && (c.fins.length > 0 || c.reset !== undefined)) out.push(...who(w), ' tidak mengirim DISCONNECT; ');
    else if (c.transport === 'tls') out.push('Koneksi TLS ', ...who(w), ' berakhir: ');
    if (c.reset !== undefined && (c.fins.length === 0 || c.reset.frame < c.fins[0]!.frame)) {
      out.push(`koneksi diputus dengan RST oleh ${c.reset.by === 'server' ? 'broker' : 'klien'} (frame ${c.reset.frame}).`);
    } else if (c.fins.length > 0) {
      const first = c.fins[0]!;
      out.push(`${first.by === 'server' ? 'broker' : 'klien'} menutup koneksi lebih dulu dengan FIN (frame ${first.frame})`);
      const second = c.fins[1];
      if (second !== undefined) out.push(`, lalu ${second.by === 'server' ? 'broker' : 'klien'} membalas dengan FIN miliknya (frame ${second.frame}).`);
      else if (c.reset !== undefined) out.push(`, lalu ${c.reset.by === 'server' ? 'broker' : 'klien'} memutus koneksi dengan RST (frame ${c.reset.frame}).`);
      else out.push('; FIN dari pihak lain tidak ada di dalam capture.');
    } else if (c.disconnect !== undefined) {
      out.push('koneksi TCP masih terbuka saat capture berakhir.');
    } else {
      out.push('Koneksi ', ...who(w), ' masih terbuka saat capture berakhir.');
    }
    if (late) {
      out.push(` ${c.disconnect!.by === 'client' ? 'DISCONNECT-nya' : 'DISCONNECT dari broker'} (frame ${c.disconnect!.frame}) baru datang setelah penutupan pertama itu, jadi bukan DISCONNECT itu yang mengakhiri sesi.`);
    }
    if (c.sessionEnd === 'taken-over') out.push(' Broker menutupnya karena koneksi lain masuk dengan client id yang sama (sesi diambil alih).');
    return out;
  },
  acks: (a) => {
    if (a.dataSegments === 0) return [];
    const out: Inline[] = [`ACK TCP: ${a.acknowledged} dari ${a.dataSegments} segmen data sudah di-ACK, ${a.byPureAck} dengan ACK murni dan ${a.piggybacked} lewat nomor ACK pada segmen data ke arah sebaliknya`];
    if (a.delayMs !== undefined) out.push(`, paling lama ${ms(a.delayMs.max)}`);
    out.push('.');
    if (a.example !== undefined) {
      const e = a.example;
      out.push(` Contohnya, pada frame ${e.frame} ${e.by === 'server' ? 'broker' : 'klien'} meng-ACK ${e.ackedType} dari frame ${e.ackedFrame} (Ack=${e.relAck}: semua byte sebelum ${e.relAck} sudah diterima).`);
    }
    if (a.delayedCount > 0) {
      out.push(` ${a.delayedCount} ACK datang 30 ms atau lebih setelah datanya (${frames(a.delayed.map((d) => d.frame), a.delayedCount)}): ini delayed ACK TCP, penerima menunggu sebentar kalau-kalau ada data yang bisa dikirim bersama ACK; tidak berbahaya.`);
    }
    if (a.acknowledged < a.dataSegments) out.push(` ACK untuk ${a.dataSegments - a.acknowledged} segmen tidak ada di dalam capture (capture berakhir atau koneksi ditutup lebih dulu).`);
    return out;
  },
  otherTraffic: (byProtocol, otherTcp) => {
    const parts = Object.entries(byProtocol).map(([p, n]) => `${n} frame ${p.toUpperCase()}`);
    if (otherTcp > 0) parts.push(`${otherTcp} koneksi TCP yang tidak membawa MQTT`);
    if (parts.length === 0) return [];
    return [`Lalu lintas lain: ${parts.join(', ')}; semuanya tidak berkaitan dengan komunikasi MQTT.`];
  },
  stepsNotTold: (n) => [`… dan ${n} langkah lain yang tidak diceritakan satu per satu; tabel di bawah mencakup seluruh capture.`],
  notListed: (n) => `… dan ${n} lainnya, tidak dicantumkan.`,
  hostTable: { header: ['IP', 'MAC', 'Peran', 'Client id', 'Frame terkirim'], noMac: '' },
  sessionTable: {
    header: ['Stream', 'Klien', 'Client id', 'MQTT', 'Keep-alive (detik)', 'Clean session', 'CONNACK', 'Latensi CONNACK (ms)'],
    inferred: 'disimpulkan', accepted: 'diterima', refused: (c) => `ditolak (${c})`, none: 'tidak ada', transport: (t) => (t === 'tcp' ? '' : t === 'tls' ? 'TLS' : 'WebSocket'),
  },
  topicTable: { header: ['Topik', 'Di-publish', 'Diteruskan', 'Publisher', 'Subscriber'] },
  latencyTable: { header: ['Jenis', 'Jumlah', 'Min (ms)', 'Median (ms)', 'p95 (ms)', 'Maks (ms)'], forwarding: 'penerusan oleh broker (PUBLISH → PUBLISH)', requestResponse: 'request → response MQTT 5 (PUBLISH → PUBLISH)', handshake: 'handshake TCP (SYN → ACK)',
    answeredBy: { broker: 'dijawab broker', subscriber: 'dijawab subscriber', publisher: 'dijawab publisher' } },
  findingsNone: 'Tidak ada temuan: tidak terlihat hal yang janggal atau salah.',
  causes: 'Kemungkinan penyebab:',
  checks: 'Yang perlu diperiksa:',
  finding: (g) => [findingText(g)],
  timelineTable: {
    header: ['Frame', 'Waktu (detik)', 'Sumber', 'Tujuan', 'Protokol', 'Keterangan'],
    note: (shown, notShown, file) => `Hanya ${shown} peristiwa pertama yang ditampilkan; ${notShown} peristiwa lainnya tidak dimuat. Linimasa lengkap: mqtt-pcap analyze ${file}`,
  },
  describe: (e) => describeEvent(e, EVENT_WORDS),
  emptyClientId: (rule) => EVENT_WORDS.emptyClientId(rule),
  mermaidIntro: ['Komunikasi dalam bentuk diagram urutan (Mermaid: ditampilkan oleh GitHub, GitLab dan VS Code); pesan yang berulang digambar sekali di dalam loop.'],
  flowCaption: 'Flow graph: setiap host satu kolom, setiap frame satu panah, nomor frame dan waktunya di sebelah kiri; panah putus-putus adalah PUBLISH yang diteruskan broker.',
  rateCaption: 'Jumlah pesan MQTT per detik menurut jenis paket (seperti I/O graph Wireshark untuk MQTT).',
  figureLinks: (flow, rate) => ['Gambar yang menyertai laporan ini: ', { link: 'flow graph', href: flow }, ' dan ', { link: 'pesan per detik', href: rate }, '.'],
  diagram: {
    forwarded: (d) => `diteruskan${d !== undefined ? `, ${ms(d)}` : ''}`,
    held: (d) => `disimpan untuk sesi${d !== undefined ? `, ${ms(d)}` : ''}`,
    repeated: (n, i) => `× ${n}${i !== undefined ? `, setiap ${seconds(i)}` : ''}`,
    acksNote: 'ACK TCP setelah setiap segmen',
    arpAsk: (ip) => `ARP: siapa yang memiliki ${ip}?`,
    arpAnswer: (mac) => `ARP: alamat MAC ${mac}`,
    handshake: (rtt) => `handshake TCP SYN, SYN-ACK, ACK${rtt !== undefined ? ` (RTT ${ms(rtt)})` : ''}`,
    emptyClientId: 'client id kosong',
    clearsRetained: 'hapus retained',
    clearsRetainedMessage: 'retained, payload kosong: menghapus pesan retained topik ini',
    flowTitle: 'Flow graph',
    flowMore: (n) => `${n} frame lainnya tidak digambar`,
    rateTitle: 'Pesan MQTT per detik menurut jenis',
    rateAxis: 'pesan',
    rateUnit: (s) => (s === 1 ? 'per detik' : `per ${s} detik`),
    timeAxis: 'waktu (detik)',
  },
};

const REASON_WORDS: Record<string, string> = {
  fin: 'ditutup dengan FIN', rst: 'diputus dengan RST', 'capture-end': 'masih terbuka saat capture berakhir',
  evicted: 'dikeluarkan dari tabel koneksi', 'port-reused': 'port dipakai ulang oleh koneksi baru',
  disconnect: 'klien mengirim DISCONNECT', 'broker-disconnect': 'broker mengirim DISCONNECT', 'broker-closed': 'broker menutup koneksi',
  'client-closed': 'klien menutup koneksi', reset: 'diputus dengan RST', 'taken-over': 'diambil alih koneksi lain',
};

/** Kata-kata satu baris linimasa (describe.ts yang menyusunnya). */
const EVENT_WORDS: EventWords = {
  ms,
  finding: (e) => [FINDING_TEXT[e.code] ?? 'temuan dari analisis'],
  connectionOpened: (stream) => `koneksi TCP ${stream} dibuka`,
  connectionEnded: (stream) => `koneksi TCP ${stream} berakhir`,
  endReason: (reason) => REASON_WORDS[reason] ?? reason,
  closedBy: (side) => `, oleh ${side === 'server' ? 'server' : 'klien'}`,
  sessionStarted: 'sesi MQTT dimulai',
  emptyClientId: (rule) => (rule === 'assigned' ? 'kosong (broker yang menentukan)' : rule === 'persistent-refused' ? 'kosong (tidak diizinkan dengan clean session 0)' : 'kosong (MQTT 3.1 mensyaratkan 1 sampai 23 karakter)'),
  sessionEnded: 'sesi MQTT berakhir',
  sessionNeverStarted: (refused) => (refused ? 'sesi MQTT ditolak broker, tidak pernah dimulai; koneksi berakhir' : 'sesi MQTT tidak pernah dimulai (CONNECT-nya tidak dijawab CONNACK); koneksi berakhir'),
  whoHas: (target, sender) => `Siapa yang memiliki ${target}? Beri tahu ${sender}`,
  isAt: (sender, mac) => `${sender} memiliki MAC ${mac}`,
  tcp: { acknowledges: (relAck) => `mengonfirmasi byte sebelum ${relAck}`, closes: 'menutup sisi pengirim', reset: 'koneksi diputus' },
  retransmission: 'retransmisi',
  duplicateAck: 'ACK ganda',
  outOfOrder: 'tidak berurutan',
  notMqtt: 'bukan MQTT',
  version,
  secondsUnit: 'detik',
  connack: connackText,
  binaryPayload: (length) => `(${length} byte, biner)`,
  clearsRetained: '(retained, payload kosong: menghapus pesan retained topik ini)',
  forwardedFrom: (frame, delayMs) => `diteruskan dari frame ${frame}${delayMs !== undefined ? ` setelah ${ms(delayMs)}` : ''}`,
  willOf: (clientId, frame, delayMs, takeoverFrame) => `Will milik client ${clientId} (CONNECT, frame ${frame})${delayMs !== undefined ? `, ${ms(delayMs)} setelah ${takeoverFrame !== undefined ? `CONNECT pada frame ${takeoverFrame} mengambil alih client id-nya` : 'koneksinya berakhir'}` : ''}`,
  grants: (qos) => `memberikan ${qosList(qos)}`,
  afterFrame: (latencyMs, frame) => `${ms(latencyMs)} setelah frame ${frame}`,
  malformed: 'rusak',
};

/** Arti byte payload Latin-1, dan apa yang terjadi bila dibaca sebagai UTF-8 (`latin1` dari fakta laporan). */
function legacyWords(latin1: Array<{ byte: string; char: string }>): Inline[] {
  if (latin1.length === 0) return [];
  const chars = latin1.map((x) => `\\x${x.byte} adalah '${x.char}'`).join(', ');
  const utf8 = latin1.map((x) => `'${x.char}' menjadi ${utf8Hex(x.char)}`).join(', ');
  return [`: ${chars} dalam Latin-1 (Windows-1252), sedangkan UTF-8 menuliskannya dengan 2 byte (${utf8}); subscriber yang men-decode payload sebagai UTF-8 (Python: `, code('msg.payload.decode()'), ') akan gagal membacanya'];
}

/** Byte UTF-8 sebuah karakter dalam hex, dipisah spasi ("c2 b0"). */
function utf8Hex(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
