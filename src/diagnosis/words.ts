/**
 * Words for diagnoses, in English and Bahasa Indonesia, from one set of facts: the sentence saying what happened,
 * the usual causes and what to check. describeDiagnosis() is what views and the report call; the detectors call
 * sentence() for the finding's English `summary`. Technical terms (broker, publish, subscribe, handshake, ACK, SYN,
 * RST, keep-alive, client id) stay as they are in the Indonesian text, as lab reports write them. Pure functions; it
 * detects nothing.
 */
import type { FindingEvent } from '../model/events.js';
import { asDiagnosis, type DiagnosisCode, type FactValue } from './types.js';

export type Lang = 'en' | 'id';

type Facts = Record<string, FactValue>;

export interface DiagnosisWords {
  /** One plain sentence of what happened. */
  sentence: string;
  /** Where the proof is: "frames 3–6 (4)" / "frame 3–6 (4 frame)". */
  frames: string;
  /** Usual causes, most likely first. */
  causes: string[];
  /** What to check, in order. */
  checks: string[];
  /** A remark on how sure this is, when not sure. */
  confidence?: string;
}

// ------------------------------------------------------------------------------------------------ formatting ---

function num(value: number, lang: Lang, digits = 3): string {
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits).replace(/0+$/, '').replace(/\.$/, '');
  return lang === 'id' ? text.replace('.', ',') : text;
}

function seconds(value: FactValue | undefined, lang: Lang): string {
  return `${num(Number(value ?? 0), lang, value !== undefined && Number(value) >= 10 ? 1 : 3)} s`;
}

/** A duration: milliseconds under a second ("0.08 ms"), else seconds. */
function duration(value: FactValue | undefined, lang: Lang): string {
  const s = Number(value ?? 0);
  if (s >= 1) return seconds(s, lang);
  const ms = s * 1000;
  return `${num(ms, lang, ms < 1 ? 2 : 1)} ms`;
}

function list(value: FactValue | undefined, lang: Lang, max = 5): string {
  const items = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  const and = lang === 'en' ? 'and' : 'dan';
  if (more > 0) return `${shown.join(', ')} ${and} ${more} ${lang === 'en' ? 'more' : 'lainnya'}`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} ${and} ${shown[shown.length - 1]}`;
}

/** The first few of `total` items (a list that holds only the first ones): "a, b, c, d, e and 35 more". */
function some(value: FactValue | undefined, total: number, lang: Lang, max = 5): string {
  const items = Array.isArray(value) ? value.map(String).slice(0, max) : [];
  const more = total - items.length;
  if (more <= 0) return list(items, lang, max);
  return `${items.join(', ')} ${lang === 'en' ? 'and' : 'dan'} ${more} ${lang === 'en' ? 'more' : 'lainnya'}`;
}

/** A topic or filter in quotes, shortened past 60 characters. */
const q = (value: FactValue | undefined): string => {
  const text = String(value ?? '');
  return `'${text.length > 60 ? `${text.slice(0, 57)}…` : text}'`;
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Fill {name} placeholders from the facts. */
function fill(template: string, facts: Facts, lang: Lang): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = facts[key];
    if (v === undefined) return '';
    if (Array.isArray(v)) return list(v, lang);
    return typeof v === 'number' ? num(v, lang) : String(v);
  });
}

// ----------------------------------------------------------------------------------------------- sentences ---

/** How many times something happened, in words: twice, three times, 4 times. */
function timesWords(value: FactValue | undefined, lang: Lang): string {
  const n = Number(value);
  if (lang === 'en') return n === 1 ? 'once' : n === 2 ? 'twice' : n === 3 ? 'three times' : `${n} times`;
  return n === 1 ? 'sekali' : n === 2 ? 'dua kali' : n === 3 ? 'tiga kali' : `${n} kali`;
}

/** Unicode code points of `text`: 'U+00B0 U+0043'. */
function codePoints(text: string): string {
  return [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** A quoted fragment of a topic, with blanks said in words (a quoted space is easy to miss). */
function spaced(value: FactValue | undefined, lang: Lang): string {
  const text = String(value ?? '');
  if (text === '' || text.trim() !== '') return q(value);
  return text === ' ' ? (lang === 'en' ? "' ' (a space)" : "' ' (spasi)") : (lang === 'en' ? `'${text}' (${text.length} blanks)` : `'${text}' (${text.length} spasi)`);
}

/** The broker's own word for diag.published-to-nobody: its MQTT 5 PUBACK/PUBREC reason code 0x10 (facts noMatching*). */
function brokerSaidNoMatching(f: Facts, lang: Lang): string {
  const n = Number(f['noMatchingCount'] ?? 0);
  if (n === 0) return '';
  const all = n === Number(f['count']);
  const acks = list(f['noMatchingAcks'], lang);
  const frames = list(f['noMatchingFrames'], lang);
  return lang === 'en'
    ? `, and the broker said so itself: it answered ${all ? (n === 1 ? 'it' : 'each') : `${n} of them`} with ${acks} reason code 0x10 "No matching subscribers" (frame ${frames})`
    : `, dan broker sendiri mengatakannya: ${all ? (n === 1 ? 'pesan itu' : 'setiap pesan') : `${n} di antaranya`} dijawabnya dengan ${acks} reason code 0x10 "No matching subscribers" (tidak ada subscriber yang cocok; frame ${frames})`;
}

/** Topics published to no one that look like a filter someone subscribed to (published-to-nobody near-miss facts). */
function nearMisses(f: Facts, lang: Lang): string {
  const topicsNear = Array.isArray(f['nearTopics']) ? f['nearTopics'].map(String) : [];
  const at = (key: string, i: number): string => { const v = f[key]; return Array.isArray(v) ? String(v[i] ?? '') : ''; };
  const parts = topicsNear.map((topic, i) => {
    const sub: Facts = {
      difference: at('nearKinds', i), op: at('nearOps', i), typed: at('nearTyped', i), meant: at('nearMeant', i),
      distance: Number(at('nearDistances', i)), typoIn: 'topic', suggestion: at('nearWildcards', i), wildcardRule: at('nearWildcardRules', i),
      slashes: at('nearSlashes', i) === '' ? [] : at('nearSlashes', i).split(','),
    };
    const filter = q(at('nearFilters', i));
    const who = at('nearSubscribers', i);
    return lang === 'en' ? `${q(topic)} is not ${filter}, which ${who} subscribed to: ${differenceText(sub, 'en')}`
      : `${q(topic)} bukan ${filter}, yang di-subscribe ${who}: ${differenceText(sub, 'id')}`;
  });
  return parts.length === 0 ? '' : `; ${parts.join('; ')}`;
}

/** How the filter differs from the topic meant, from the topic-mismatch facts. */
function differenceText(f: Facts, lang: Lang): string {
  const en = lang === 'en';
  switch (f['difference']) {
    case 'case': return en ? 'they differ only in upper/lower case, and topics are case-sensitive'
      : 'keduanya hanya berbeda huruf besar/kecil, dan topik MQTT membedakan huruf besar dan kecil (case-sensitive)';
    case 'whitespace': return en ? 'they differ only in spaces around the topic' : 'keduanya hanya berbeda spasi di sekitar topik';
    case 'unicode': {
      // Look-alike characters: the same on screen, other code points (NFKC), so each side's are named.
      const topicSide = f['typoIn'] === 'topic';
      const mine = `${q(f['typed'])} (${codePoints(String(f['typed'] ?? ''))})`;
      const theirs = `${q(f['meant'])} (${codePoints(String(f['meant'] ?? ''))})`;
      return en ? `they look the same but are different characters: the ${topicSide ? 'topic' : 'filter'} has ${mine} where the ${topicSide ? 'filter' : 'topic'} has ${theirs}`
        : `keduanya tampak sama tetapi karakternya berbeda: ${topicSide ? 'topik' : 'filter'} memakai ${mine}, sedangkan ${topicSide ? 'filter' : 'topik'} memakai ${theirs}`;
    }
    case 'slash': {
      const words: Record<string, { en: string; id: string }> = {
        'leading-extra': { en: 'an extra leading slash', id: 'kelebihan garis miring (/) di awal' },
        'leading-missing': { en: 'a missing leading slash', id: 'kekurangan garis miring (/) di awal' },
        'trailing-extra': { en: 'an extra trailing slash', id: 'kelebihan garis miring (/) di akhir' },
        'trailing-missing': { en: 'a missing trailing slash', id: 'kekurangan garis miring (/) di akhir' },
        'doubled': { en: 'a doubled slash', id: 'memiliki garis miring ganda (//)' },
      };
      const parts = (Array.isArray(f['slashes']) ? f['slashes'] : []).map((k) => words[String(k)]?.[lang] ?? String(k));
      return en ? `the filter has ${list(parts, lang)} (a slash makes a different level)` : `filter ${list(parts, lang)} (garis miring memisahkan level, jadi topiknya menjadi berbeda)`;
    }
    case 'wildcard': {
      const s = q(f['suggestion']);
      switch (f['wildcardRule']) {
        case 'hash-not-last': return en ? `'#' may only be the last level; ${s} would match` : `'#' hanya boleh menjadi level terakhir; ${s} akan cocok`;
        case 'plus-one-level': return en ? `'+' stands for exactly one level; ${s} would match` : `'+' hanya mewakili tepat satu level; ${s} akan cocok`;
        case 'plus-extra-level': return en ? `the '+' adds a level the topic does not have; ${s} would match` : `'+' menambah level yang tidak ada di topik; ${s} akan cocok`;
        case 'partial-level': return en ? `a wildcard must fill a whole level; ${s} would match` : `wildcard harus mengisi satu level penuh; ${s} akan cocok`;
        default: return en ? `a filter without wildcards matches only that exact topic; ${s} would match` : `filter tanpa wildcard hanya cocok dengan topik yang persis sama; ${s} akan cocok`;
      }
    }
    default: {
      const typed = spaced(f['typed'], lang);
      const meant = spaced(f['meant'], lang);
      // The side the typed characters are on: the filter, or the topic when the subscribers agree on the filter.
      const side = f['typoIn'] === 'topic' ? 'topic' : 'filter';
      const sisi = f['typoIn'] === 'topic' ? 'topik' : 'filter';
      switch (f['op']) {
        case 'missing': return en ? `a typing mistake, the ${side} is missing ${meant}` : `salah ketik, pada ${sisi} kurang ${meant}`;
        case 'extra': return en ? `a typing mistake, the ${side} has an extra ${typed}` : `salah ketik, pada ${sisi} ada kelebihan ${typed}`;
        case 'swapped': return en ? `a typing mistake${side === 'topic' ? ' in the topic' : ''}, ${meant} is swapped as ${typed}` : `salah ketik${side === 'topic' ? ' pada topik' : ''}, ${meant} tertukar menjadi ${typed}`;
        case 'replaced': return en ? `a typing mistake${side === 'topic' ? ' in the topic' : ''}, ${typed} instead of ${meant}` : `salah ketik${side === 'topic' ? ' pada topik' : ''}, ${typed} seharusnya ${meant}`;
        default: return en ? `${f['distance']} characters differ` : `${f['distance']} karakter berbeda`;
      }
    }
  }
}

const SENTENCES: Record<DiagnosisCode, { en: (f: Facts) => string; id: (f: Facts) => string }> = {
  'diag.broker-unreachable': {
    en: (f) => f['outcome'] === 'refused'
      ? `Connections to ${f['server']} were refused: ${plural(Number(f['refused']), 'attempt was', 'attempts were')} answered with a TCP reset (RST), so nothing listens on that port${otherPorts(f, 'en')}.`
      : f['outcome'] === 'no-arp'
        ? `Nobody answered at ${f['server']}: ${list(f['clients'], 'en')} asked for its hardware address ${plural(Number(f['arpRequests']), 'time', 'times')} over ${duration(f['durationSeconds'], 'en')} ${f['ndp'] === true ? `(IPv6 Neighbor Solicitation for ${f['server']}) and got no Neighbor Advertisement` : `(ARP "Who has ${f['server']}?") and got no reply`}, so no host on this network has that address and no connection could even start${Array.isArray(f['brokers']) ? `; the MQTT broker in this capture is at ${list(f['brokers'], 'en')}` : ''}.`
      : f['outcome'] === 'unanswered' && Array.isArray(f['answeredOthers'])
        ? `Nobody answered ${list(f['clients'], 'en')} at ${f['server']}: ${plural(Number(f['synAttempts']), 'SYN', 'SYNs')} in ${plural(Number(f['unanswered']), 'connection attempt', 'connection attempts')} over ${duration(f['durationSeconds'], 'en')} got no reply, while the broker was answering ${list(f['answeredOthers'], 'en')} at that time or later: the address is right and the broker up, so something drops this client's packets.`
      : f['outcome'] === 'unanswered' && Array.isArray(f['answeredBefore'])
        ? `The broker at ${f['server']} stopped answering: it had answered ${list(f['answeredBefore'], 'en')} earlier in the capture (last heard at t=${seconds(f['lastHeardAt'], 'en')}), then ${plural(Number(f['synAttempts']), 'SYN', 'SYNs')} in ${plural(Number(f['unanswered']), 'connection attempt', 'connection attempts')} over ${duration(f['durationSeconds'], 'en')} got no reply: not a wrong address, the broker or its host went away.`
      : f['outcome'] === 'unanswered'
        ? `Nobody answered at ${f['server']}: ${plural(Number(f['synAttempts']), 'SYN', 'SYNs')} in ${plural(Number(f['unanswered']), 'connection attempt', 'connection attempts')} over ${duration(f['durationSeconds'], 'en')} got no reply.`
        : `Connections to ${f['server']} failed: ${f['refused']} refused with a TCP reset and ${f['unanswered']} never answered (${plural(Number(f['synAttempts']), 'SYN', 'SYNs')} in all)${otherPorts(f, 'en')}.`,
    id: (f) => f['outcome'] === 'refused'
      ? `Koneksi ke ${f['server']} ditolak: ${f['refused']} percobaan dijawab dengan TCP reset (RST), artinya tidak ada yang mendengarkan di port itu${otherPorts(f, 'id')}.`
      : f['outcome'] === 'no-arp'
        ? `Tidak ada yang menjawab di ${f['server']}: ${list(f['clients'], 'id')} menanyakan alamat hardware-nya ${f['arpRequests']} kali selama ${duration(f['durationSeconds'], 'id')} ${f['ndp'] === true ? `(IPv6 Neighbor Solicitation untuk ${f['server']}) dan tidak mendapat Neighbor Advertisement` : `(ARP "Who has ${f['server']}?") dan tidak mendapat balasan`}, artinya tidak ada host di jaringan ini dengan alamat itu sehingga koneksi pun tidak bisa dimulai${Array.isArray(f['brokers']) ? `; broker MQTT di capture ini ada di ${list(f['brokers'], 'id')}` : ''}.`
      : f['outcome'] === 'unanswered' && Array.isArray(f['answeredOthers'])
        ? `Tidak ada yang menjawab ${list(f['clients'], 'id')} di ${f['server']}: ${f['synAttempts']} SYN dalam ${f['unanswered']} percobaan koneksi selama ${duration(f['durationSeconds'], 'id')} tidak dibalas, padahal broker menjawab ${list(f['answeredOthers'], 'id')} pada saat itu atau sesudahnya: alamatnya benar dan broker berjalan, jadi ada yang membuang paket client ini.`
      : f['outcome'] === 'unanswered' && Array.isArray(f['answeredBefore'])
        ? `Broker di ${f['server']} berhenti menjawab: sebelumnya di capture ini ia menjawab ${list(f['answeredBefore'], 'id')} (terakhir terdengar pada t=${seconds(f['lastHeardAt'], 'id')}), lalu ${f['synAttempts']} SYN dalam ${f['unanswered']} percobaan koneksi selama ${duration(f['durationSeconds'], 'id')} tidak dibalas: bukan alamat yang salah, broker atau host-nya yang hilang.`
      : f['outcome'] === 'unanswered'
        ? `Tidak ada yang menjawab di ${f['server']}: ${f['synAttempts']} SYN dalam ${f['unanswered']} percobaan koneksi selama ${duration(f['durationSeconds'], 'id')} tidak dibalas.`
        : `Koneksi ke ${f['server']} gagal: ${f['refused']} ditolak dengan TCP reset dan ${f['unanswered']} tidak pernah dijawab (total ${f['synAttempts']} SYN)${otherPorts(f, 'id')}.`,
  },
  'diag.broker-stopped': {
    en: (f) => `The broker at ${f['server']} stopped at t=${seconds(f['stoppedAt'], 'en')}: it closed ${Number(f['dropped']) === 1 ? `the open connection of ${list(f['clients'], 'en')}` : `all ${f['dropped']} open connections (${list(f['clients'], 'en')}) within ${duration(f['windowSeconds'], 'en')}`}${Number(f['refusedAfter']) > 0 ? ` and refused ${plural(Number(f['refusedAfter']), 'new connection', 'new connections')} afterwards` : ''}.`,
    id: (f) => `Broker di ${f['server']} berhenti pada t=${seconds(f['stoppedAt'], 'id')}: ${Number(f['dropped']) === 1 ? `koneksi ${list(f['clients'], 'id')} yang terbuka ditutup olehnya` : `semua ${f['dropped']} koneksi yang terbuka (${list(f['clients'], 'id')}) ditutup olehnya dalam ${duration(f['windowSeconds'], 'id')}`}${Number(f['refusedAfter']) > 0 ? ` dan ${f['refusedAfter']} koneksi baru ditolak sesudahnya` : ''}.`,
  },
  'diag.broker-restarted': {
    en: (f) => `The broker at ${f['server']} restarted: at t=${seconds(f['stoppedAt'], 'en')} it closed ${Number(f['dropped']) === 1 ? `the open connection of ${list(f['clients'], 'en')}` : `all ${f['dropped']} open connections (${list(f['clients'], 'en')}) within ${duration(f['windowSeconds'], 'en')}`}${Number(f['refusedAfter']) > 0 ? `, refused ${plural(Number(f['refusedAfter']), 'new connection', 'new connections')} while down` : ''}, and was accepting connections again by t=${seconds(f['backAt'], 'en')} (at most ${duration(f['downSeconds'], 'en')} later): ${plural(Number(f['sessionsAfter']), 'session was', 'sessions were')} accepted after it (${list(f['reconnected'], 'en')})${notResubscribed(f, 'en')}.`,
    id: (f) => `Broker di ${f['server']} di-restart: pada t=${seconds(f['stoppedAt'], 'id')} ia menutup ${Number(f['dropped']) === 1 ? `koneksi ${list(f['clients'], 'id')} yang terbuka` : `semua ${f['dropped']} koneksi yang terbuka (${list(f['clients'], 'id')}) dalam ${duration(f['windowSeconds'], 'id')}`}${Number(f['refusedAfter']) > 0 ? `, menolak ${f['refusedAfter']} koneksi baru selama mati` : ''}, lalu sudah menerima koneksi lagi pada t=${seconds(f['backAt'], 'id')} (paling lama ${duration(f['downSeconds'], 'id')} kemudian): ${f['sessionsAfter']} sesi diterima sesudahnya (${list(f['reconnected'], 'id')})${notResubscribed(f, 'id')}.`,
  },
  'diag.broker-slow': {
    en: (f) => `The broker at ${f['server']} answered ${plural(Number(f['count']), 'request', 'requests')} of ${list(f['clients'], 'en')} more than a second late (${list(f['answers'], 'en')}; up to ${seconds(f['maxWaitSeconds'], 'en')}) between t=${seconds(f['from'], 'en')} and t=${seconds(f['until'], 'en')}${Number(f['connections']) > 1 ? `, on ${f['connections']} connections at once` : ''}: a broker answers in milliseconds, so it stalled.`,
    id: (f) => `Broker di ${f['server']} menjawab ${f['count']} permintaan dari ${list(f['clients'], 'id')} terlambat lebih dari satu detik (${list(f['answers'], 'id')}; hingga ${seconds(f['maxWaitSeconds'], 'id')}) antara t=${seconds(f['from'], 'id')} dan t=${seconds(f['until'], 'id')}${Number(f['connections']) > 1 ? `, di ${f['connections']} koneksi sekaligus` : ''}: broker biasanya menjawab dalam milidetik, jadi ia sempat macet.`,
  },
  'diag.connack-refused': {
    en: (f) => `The broker at ${f['server']} refused ${plural(Number(f['count']), 'connection', 'connections')} of ${list(f['clients'], 'en')} with CONNACK ${f['codeLabel']} ${f['code']} (${f['codeName']})${emptyIds(f, 'en')}.`,
    id: (f) => `Broker di ${f['server']} menolak ${f['count']} koneksi dari ${list(f['clients'], 'id')} dengan CONNACK ${f['codeLabel']} ${f['code']} (${f['codeName']})${emptyIds(f, 'id')}.`,
  },
  'diag.connection-limit': {
    en: (f) => `The broker at ${f['server']} turned away ${plural(Number(f['count']), 'connection', 'connections')} of ${list(f['clients'], 'en')}: it accepted ${Number(f['count']) === 1 ? 'the connection' : 'each one'} and ${f['closedWith'] === 'reset' ? 'reset' : 'closed'} it at once, before any CONNECT${Number(f['connectsCut']) > 0 ? ` (the CONNECT that followed got no CONNACK)` : ''}, while ${plural(Number(f['openSessions']), 'other connection was', 'other connections were')} open: it takes no more connections (its connection limit).`,
    id: (f) => `Broker di ${f['server']} menolak ${f['count']} koneksi dari ${list(f['clients'], 'id')}: ${Number(f['count']) === 1 ? 'koneksi itu diterima' : 'setiap koneksi diterima'} lalu langsung ${f['closedWith'] === 'reset' ? 'direset' : 'ditutup'} sebelum ada CONNECT${Number(f['connectsCut']) > 0 ? ` (CONNECT yang menyusul tidak mendapat CONNACK)` : ''}, sementara ${f['openSessions']} koneksi lain sedang terbuka: broker tidak menerima koneksi lagi (batas jumlah koneksinya).`,
  },
  'diag.connect-unanswered': {
    en: (f) => f['tlsPort'] === true
      ? `${f['client']} sent its CONNECT in clear (plain MQTT) to the TLS port ${f['server']}${Number(f['count']) > 1 ? ` (${f['count']} times)` : ''}: the broker expects a TLS ClientHello there, and its TLS layer ended the connection without an MQTT answer. Turn TLS on in the client (a CA file, mqtts://) or use the plain port (1883).`
      : `${f['client']} sent CONNECT to ${f['server']} but got no CONNACK before the connection was closed by the ${f['closedBy']}${Number(f['count']) > 1 ? ` (${f['count']} times)` : ''}${f['malformedFrame'] !== undefined ? `; that CONNECT is malformed (${f['malformedCode']} at frame ${f['malformedFrame']} says what is wrong in it)` : ''}.`,
    id: (f) => f['tlsPort'] === true
      ? `${f['client']} mengirim CONNECT tanpa enkripsi (MQTT biasa) ke port TLS ${f['server']}${Number(f['count']) > 1 ? ` (${f['count']} kali)` : ''}: broker mengharapkan TLS ClientHello di sana, dan lapisan TLS-nya mengakhiri koneksi tanpa jawaban MQTT. Nyalakan TLS di client (file CA, mqtts://) atau pakai port biasa (1883).`
      : `${f['client']} mengirim CONNECT ke ${f['server']} tetapi tidak menerima CONNACK sebelum koneksi ditutup oleh ${f['closedBy'] === 'server' ? 'broker' : 'client'}${Number(f['count']) > 1 ? ` (${f['count']} kali)` : ''}${f['malformedFrame'] !== undefined ? `; CONNECT itu rusak (${f['malformedCode']} di frame ${f['malformedFrame']} menjelaskan apa yang salah di dalamnya)` : ''}.`,
  },
  'diag.password-guessing': {
    en: (f) => `${f['client']} tried to log in to the broker at ${f['server']} ${f['attempts']} times in ${seconds(f['durationSeconds'], 'en')} (${num(Number(f['perSecond']), 'en', 1)} per second)${userWords(f, 'en')}, each refused with CONNACK ${f['codeLabel']} ${f['code']} (${f['codeName']})${f['acceptedFrame'] !== undefined ? `, then ${f['acceptedClient']} was accepted at frame ${f['acceptedFrame']} (t=${seconds(f['acceptedAt'], 'en')}): a password was guessed (brute force), and found` : ': a password being guessed (brute force), never accepted in the capture'}.`,
    id: (f) => `${f['client']} mencoba login ke broker di ${f['server']} sebanyak ${f['attempts']} kali dalam ${seconds(f['durationSeconds'], 'id')} (${num(Number(f['perSecond']), 'id', 1)} per detik)${userWords(f, 'id')}, dan setiap kali ditolak dengan CONNACK ${f['codeLabel']} ${f['code']} (${f['codeName']})${f['acceptedFrame'] !== undefined ? `, lalu ${f['acceptedClient']} diterima di frame ${f['acceptedFrame']} (t=${seconds(f['acceptedAt'], 'id')}): password ditebak (brute force), dan berhasil ditemukan` : ': password sedang ditebak (brute force), dan tidak pernah diterima selama capture'}.`,
  },
  'diag.port-scan': {
    en: (f) => `${f['prober']} scanned the TCP ports of ${list(f['targets'], 'en')}: SYNs to ${f['ports']} ports in ${duration(f['durationSeconds'], 'en')}${Number(f['sourcePorts']) === 1 ? ' from one source port (a SYN scan, as nmap -sS)' : ''}, without sending any data; ${scanAnswers(f, 'en')}. A port scan, not a client that mistyped its broker's port.`,
    id: (f) => `${f['prober']} memindai port TCP ${list(f['targets'], 'id')}: SYN ke ${f['ports']} port dalam ${duration(f['durationSeconds'], 'id')}${Number(f['sourcePorts']) === 1 ? ' dari satu port sumber (SYN scan, seperti nmap -sS)' : ''}, tanpa mengirim data apa pun; ${scanAnswers(f, 'id')}. Ini port scan, bukan client yang salah menulis port broker-nya.`,
  },
  'diag.silent-connection': {
    en: (f) => Number(f['count']) === 1
      ? `${f['client']} opened a connection to ${f['server']} and sent nothing at all, no CONNECT, until the broker closed it ${seconds(f['minWaitSeconds'], 'en')} later (its timeout for the first packet).`
      : `${f['client']} opened ${f['count']} connections to ${f['server']} within ${duration(f['openedWithinSeconds'], 'en')} and sent nothing at all on them, no CONNECT, until the broker closed them ${waitWords(f, 'en')} (its timeout for the first packet)${Number(f['count']) >= 10 ? ': a connection flood holding the broker\'s sockets' : ''}.`,
    id: (f) => Number(f['count']) === 1
      ? `${f['client']} membuka koneksi ke ${f['server']} dan tidak mengirim apa pun, tanpa CONNECT, sampai broker menutupnya ${seconds(f['minWaitSeconds'], 'id')} kemudian (batas waktunya untuk paket pertama).`
      : `${f['client']} membuka ${f['count']} koneksi ke ${f['server']} dalam ${duration(f['openedWithinSeconds'], 'id')} dan tidak mengirim apa pun di dalamnya, tanpa CONNECT, sampai broker menutupnya ${waitWords(f, 'id')} (batas waktunya untuk paket pertama)${Number(f['count']) >= 10 ? ': banjir koneksi yang menahan socket broker' : ''}.`,
  },
  'diag.no-connect': {
    en: (f) => allTls(f) ? `${Number(f['count']) === 1 ? `${list(f['clients'], 'en')} spoke TLS to the plain MQTT port ${f['server']}: it sent` : `${f['count']} clients spoke TLS to the plain MQTT port ${f['server']}: each sent`} a TLS ClientHello, not a CONNECT (Wireshark reads the record's first bytes as "Connect Command", malformed); the broker ${f['closedWith'] === 'reset' ? 'reset' : f['closedWith'] === 'close' ? 'closed' : 'closed or reset'} ${Number(f['count']) === 1 ? 'the connection' : 'the connections'} without answering. The client expects TLS: use the TLS port (8883) or turn TLS off in the client.`
      : `${Number(f['count']) === 1 ? `${list(f['clients'], 'en')} connected to ${f['server']} but did not send CONNECT first:` : `${f['count']} clients connected to ${f['server']} but did not send CONNECT first:`} ${firstPackets(f, 'en')}; the broker ${f['closedWith'] === 'reset' ? 'reset' : f['closedWith'] === 'close' ? 'closed' : 'closed or reset'} ${Number(f['count']) === 1 ? 'the connection' : 'the connections'} without answering.`,
    id: (f) => allTls(f) ? `${Number(f['count']) === 1 ? `${list(f['clients'], 'id')} berbicara TLS ke port MQTT biasa ${f['server']}: ia mengirim` : `${f['count']} client berbicara TLS ke port MQTT biasa ${f['server']}: masing-masing mengirim`} TLS ClientHello, bukan CONNECT (Wireshark membaca byte pertama record-nya sebagai "Connect Command" yang rusak); broker ${f['closedWith'] === 'reset' ? 'mereset' : f['closedWith'] === 'close' ? 'menutup' : 'menutup atau mereset'} koneksinya tanpa menjawab. Client mengharapkan TLS: pakai port TLS (8883) atau matikan TLS di client.`
      : `${Number(f['count']) === 1 ? `${list(f['clients'], 'id')} terhubung ke ${f['server']} tetapi tidak mengirim CONNECT lebih dulu:` : `${f['count']} client terhubung ke ${f['server']} tetapi tidak mengirim CONNECT lebih dulu:`} ${firstPackets(f, 'id')}; broker ${f['closedWith'] === 'reset' ? 'mereset' : f['closedWith'] === 'close' ? 'menutup' : 'menutup atau mereset'} koneksinya tanpa menjawab.`,
  },
  'diag.topic-mismatch': {
    en: (f) => Number(f['sameFilter']) > 1
      // Several subscribers agree on the filter: one statement, from the publisher's side.
      ? `${Array.isArray(f['publishers']) && f['publishers'].length > 0 ? `${list(f['publishers'], 'en')} published ${plural(Number(f['published']), 'message', 'messages')}` : `${plural(Number(f['published']), 'message was', 'messages were')} published`} to ${q(f['topic'])}, a topic none of the ${f['sameFilter']} subscribers to ${q(f['filter'])} (${list(f['subscribers'], 'en')}) receives: ${differenceText(f, 'en')}; as the subscribers all agree on their filter, the publisher's topic is more likely the one mistyped.`
      : `The subscription of ${f['subscriber']} to ${q(f['filter'])}${Array.isArray(f['groupMembers']) ? ` (a shared subscription; its group's members: ${list(f['groupMembers'], 'en')})` : ''} matched no published topic, while ${plural(Number(f['published']), 'message was', 'messages were')} published to ${q(f['topic'])}: ${differenceText(f, 'en')}.`,
    id: (f) => Number(f['sameFilter']) > 1
      ? `${Array.isArray(f['publishers']) && f['publishers'].length > 0 ? `${list(f['publishers'], 'id')} mem-publish ${f['published']} pesan` : `${f['published']} pesan di-publish`} ke ${q(f['topic'])}, padahal ${f['sameFilter']} subscriber (${list(f['subscribers'], 'id')}) subscribe ke ${q(f['filter'])}, jadi tidak satu pun menerimanya: ${differenceText(f, 'id')}; karena semua subscriber memakai filter yang sama, lebih mungkin topik publisher-lah yang salah ketik.`
      : `Subscription ${f['subscriber']} ke ${q(f['filter'])}${Array.isArray(f['groupMembers']) ? ` (shared subscription; anggota grupnya: ${list(f['groupMembers'], 'id')})` : ''} tidak cocok dengan topik mana pun yang di-publish, padahal ${f['published']} pesan di-publish ke ${q(f['topic'])}: ${differenceText(f, 'id')}.`,
  },
  'diag.published-to-nobody': {
    en: (f) => `${plural(Number(f['count']), 'message', 'messages')} published to ${topics(f, 'en')} by ${list(f['publishers'], 'en')} reached no subscriber: the broker forwarded ${Number(f['count']) === 1 ? 'it' : 'them'} to no one in the capture${brokerSaidNoMatching(f, 'en')}${nearMisses(f, 'en')}${Array.isArray(f['subscribers']) && f['subscribers'].length > 0 ? `, although ${list(f['subscribers'], 'en')} had subscribed to a matching filter` : ''}${Array.isArray(f['otherSubscribers']) && f['otherSubscribers'].length > 0 ? `, while ${list(f['otherSubscribers'], 'en')} had subscribed to a matching filter on another broker, ${list(f['otherBrokers'], 'en')}` : ''}${Array.isArray(f['expiredSessions']) && f['expiredSessions'].length > 0 ? `; ${list(f['expiredSessions'], 'en')} had subscribed with a persistent session${f['sessionExpiry'] !== undefined ? ` (Session Expiry Interval ${f['sessionExpiry']} s)` : ''}, but the broker no longer had it on reconnecting (session present 0, frame ${f['connackFrame']})` : ''}${Number(f['expiredMessages'] ?? 0) > 0 ? `; ${Number(f['expiredMessages']) === Number(f['count']) ? (Number(f['count']) === 1 ? 'it' : 'they') : `${f['expiredMessages']} of them`} had a Message Expiry Interval of ${list(f['messageExpiry'], 'en')} s and expired while queued for ${list(f['expiredFor'], 'en')}, whose session the broker kept (session present 1${f['backFrame'] !== undefined ? `, frame ${f['backFrame']}` : ''}) but who came back only after that` : ''}${queueExpiredWords(f, 'en')}${Number(f['noLocalMessages'] ?? 0) > 0 ? `; the only subscriber to ${Number(f['noLocalMessages']) === Number(f['count']) ? (Number(f['count']) === 1 ? 'it' : 'them') : `${f['noLocalMessages']} of them`} was the publisher, ${list(f['noLocalSubscribers'], 'en')}, subscribed with No Local, so the broker does not send a client's own messages back to it` : ''}${Array.isArray(f['sysTopics']) && f['sysTopics'].length > 0 ? `; ${list((f['sysTopics'] as string[]).map((x) => `'${x}'`), 'en')} ${f['sysTopics'].length === 1 ? 'is' : 'are'} in the broker's own $SYS tree, where it takes no client's message` : ''}${Number(f['unsubscribedMessages'] ?? 0) > 0 ? `; ${Number(f['unsubscribedMessages']) === Number(f['count']) ? (Number(f['count']) === 1 ? 'it was' : 'they were') : `${f['unsubscribedMessages']} of them were`} published after ${list(f['unsubscribedSubscribers'], 'en')} had unsubscribed (UNSUBSCRIBE, frame ${list(f['unsubscribeFrames'], 'en')}, acknowledged by the broker), so the broker no longer sent ${Number(f['unsubscribedMessages']) === 1 ? 'it' : 'them'} there, and no other client had subscribed` : ''}${Number(f['takenOverMessages'] ?? 0) > 0 ? `; ${Number(f['takenOverMessages']) === Number(f['count']) ? (Number(f['count']) === 1 ? 'it was' : 'they were') : `${f['takenOverMessages']} of them were`} published while ${list(f['takenOverSubscribers'], 'en')} was not connected: the broker had closed its connection because ${f['takenOverByPublisher'] === true ? 'the publisher connected with the same client id' : 'another client connected with the same client id'} (${list((f['takenOverIds'] as string[] | undefined)?.map((x) => `'${x}'`), 'en')})` : ''}.`,
    id: (f) => `${f['count']} pesan yang di-publish ke ${topics(f, 'id')} oleh ${list(f['publishers'], 'id')} tidak sampai ke subscriber mana pun: broker tidak meneruskannya ke siapa pun dalam capture${brokerSaidNoMatching(f, 'id')}${nearMisses(f, 'id')}${Array.isArray(f['subscribers']) && f['subscribers'].length > 0 ? `, padahal ${list(f['subscribers'], 'id')} sudah subscribe ke filter yang cocok` : ''}${Array.isArray(f['otherSubscribers']) && f['otherSubscribers'].length > 0 ? `, sementara ${list(f['otherSubscribers'], 'id')} sudah subscribe ke filter yang cocok di broker lain, ${list(f['otherBrokers'], 'id')}` : ''}${Array.isArray(f['expiredSessions']) && f['expiredSessions'].length > 0 ? `; ${list(f['expiredSessions'], 'id')} sudah subscribe dengan sesi persisten${f['sessionExpiry'] !== undefined ? ` (Session Expiry Interval ${f['sessionExpiry']} s)` : ''}, tetapi broker tidak lagi menyimpannya saat terhubung kembali (session present 0, frame ${f['connackFrame']})` : ''}${Number(f['expiredMessages'] ?? 0) > 0 ? `; ${Number(f['expiredMessages']) === Number(f['count']) ? 'pesan itu' : `${f['expiredMessages']} di antaranya`} memiliki \`Message Expiry Interval\` ${list(f['messageExpiry'], 'id')} s dan kedaluwarsa selagi mengantre untuk ${list(f['expiredFor'], 'id')}, yang sesinya disimpan broker (session present 1${f['backFrame'] !== undefined ? `, frame ${f['backFrame']}` : ''}) tetapi baru terhubung kembali setelah itu` : ''}${queueExpiredWords(f, 'id')}${Number(f['noLocalMessages'] ?? 0) > 0 ? `; satu-satunya subscriber untuk ${Number(f['noLocalMessages']) === Number(f['count']) ? 'pesan itu' : `${f['noLocalMessages']} di antaranya`} adalah publisher sendiri, ${list(f['noLocalSubscribers'], 'id')}, yang subscribe dengan \`No Local\`, sehingga broker tidak mengirimkannya kembali kepadanya` : ''}${Array.isArray(f['sysTopics']) && f['sysTopics'].length > 0 ? `; ${list((f['sysTopics'] as string[]).map((x) => `'${x}'`), 'id')} berada di pohon $SYS milik broker sendiri, tempat broker tidak menerima pesan dari client` : ''}${Number(f['unsubscribedMessages'] ?? 0) > 0 ? `; ${Number(f['unsubscribedMessages']) === Number(f['count']) ? 'pesan itu' : `${f['unsubscribedMessages']} di antaranya`} di-publish setelah ${list(f['unsubscribedSubscribers'], 'id')} melakukan unsubscribe (UNSUBSCRIBE, frame ${list(f['unsubscribeFrames'], 'id')}, sudah diakui broker), sehingga broker tidak lagi mengirimkannya ke sana, dan tidak ada client lain yang subscribe` : ''}${Number(f['takenOverMessages'] ?? 0) > 0 ? `; ${Number(f['takenOverMessages']) === Number(f['count']) ? 'pesan itu' : `${f['takenOverMessages']} di antaranya`} di-publish saat ${list(f['takenOverSubscribers'], 'id')} sedang tidak terhubung: broker telah menutup koneksinya karena ${f['takenOverByPublisher'] === true ? 'publisher terhubung dengan client id yang sama' : 'client lain terhubung dengan client id yang sama'} (${list((f['takenOverIds'] as string[] | undefined)?.map((x) => `'${x}'`), 'id')})` : ''}.`,
  },
  'diag.too-large-for-subscriber': {
    en: (f) => `${plural(Number(f['count']), 'message', 'messages')} published to ${topics(f, 'en')} never reached ${f['subscriber']}, subscribed to ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'en')}: ${Number(f['count']) === 1 ? 'it is' : 'each is'} at least ${f['smallestSize']} bytes as the broker would send ${Number(f['count']) === 1 ? 'it' : 'them'}, more than the Maximum Packet Size of ${f['maximumPacketSize']} bytes this subscriber set in its CONNECT, so the broker dropped ${Number(f['count']) === 1 ? 'it' : 'them'} for it without a word${Number(f['deliveredToOthers']) > 0 ? ` (${Number(f['count']) === 1 ? 'it reached' : `${f['deliveredToOthers']} of them reached`} other subscribers)` : ''}.`,
    id: (f) => `${f['count']} pesan yang di-publish ke ${topics(f, 'id')} tidak pernah sampai ke ${f['subscriber']}, yang subscribe ke ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'id')}: ${Number(f['count']) === 1 ? 'pesan itu' : 'setiap pesan'} berukuran paling sedikit ${f['smallestSize']} byte saat dikirim broker, melebihi Maximum Packet Size ${f['maximumPacketSize']} byte yang ditetapkan subscriber ini di CONNECT-nya, sehingga broker membuangnya untuk client itu tanpa pemberitahuan${Number(f['deliveredToOthers']) > 0 ? ` (${Number(f['count']) === 1 ? 'pesan itu sampai' : `${f['deliveredToOthers']} di antaranya sampai`} ke subscriber lain)` : ''}.`,
  },
  'diag.subscribed-too-late': {
    en: (f) => `${f['subscriber']} subscribed to ${q(f['filter'])} at t=${seconds(f['subscribedAt'], 'en')}, after the ${plural(Number(f['missed']), 'message', 'messages')} published to it (the last at t=${seconds(f['lastPublishedAt'], 'en')}); none was retained, so it received nothing.`,
    id: (f) => `${f['subscriber']} melakukan subscribe ke ${q(f['filter'])} pada t=${seconds(f['subscribedAt'], 'id')}, setelah ${f['missed']} pesan di-publish ke topik itu (terakhir pada t=${seconds(f['lastPublishedAt'], 'id')}); tidak ada yang retained, jadi ia tidak menerima apa pun.`,
  },
  'diag.keepalive-dropped': {
    en: (f) => f['undeliveredSince'] !== undefined
      ? `${f['client']} was not silent: it sent its last MQTT packet at t=${seconds(f['lastPacketAt'], 'en')}, but the broker never acknowledged anything the client sent from t=${seconds(f['undeliveredSince'], 'en')} on (TCP), so its packets stopped reaching the broker; ${f['brokerClosed'] === true ? `having heard nothing for ${seconds(f['silentSeconds'], 'en')} (keep-alive ${f['keepAlive']} s, limit ${seconds(f['limitSeconds'], 'en')}), the broker closed the connection` : `the broker, hearing nothing past 1.5 × its keep-alive of ${f['keepAlive']} s, will drop it`}${f['willTopic'] !== undefined ? `; the broker then sent its Will on ${q(f['willTopic'])} to ${plural(Number(f['willCopies']), 'subscriber', 'subscribers')}` : ''}.`
      : f['brokerClosed'] === true
      ? `${f['client']} sent nothing for ${seconds(f['silentSeconds'], 'en')} with a keep-alive of ${f['keepAlive']} s (limit ${seconds(f['limitSeconds'], 'en')}, no PINGREQ), and the broker closed the connection${f['clientGone'] === true ? `, a close the client never answered (not even with a TCP ACK): its host or network was gone` : ''}${f['willTopic'] !== undefined ? `; the broker then sent its Will on ${q(f['willTopic'])} to ${plural(Number(f['willCopies']), 'subscriber', 'subscribers')}` : ''}.`
      : `${f['client']} has sent nothing for ${seconds(f['silentSeconds'], 'en')} at the end of the capture, past 1.5 × its keep-alive of ${f['keepAlive']} s (no PINGREQ): the broker will drop it.`,
    id: (f) => f['undeliveredSince'] !== undefined
      ? `${f['client']} tidak diam: ia mengirim paket MQTT terakhirnya pada t=${seconds(f['lastPacketAt'], 'id')}, tetapi broker tidak pernah mengakui (TCP ACK) apa pun yang dikirim client sejak t=${seconds(f['undeliveredSince'], 'id')}, jadi paketnya tidak lagi sampai ke broker; ${f['brokerClosed'] === true ? `karena tidak mendengar apa pun selama ${seconds(f['silentSeconds'], 'id')} (keep-alive ${f['keepAlive']} s, batas ${seconds(f['limitSeconds'], 'id')}), broker menutup koneksinya` : `broker, yang tidak mendengar apa pun melewati 1,5 × keep-alive ${f['keepAlive']} s, akan memutusnya`}${f['willTopic'] !== undefined ? `; sesudahnya broker mengirim Will-nya di ${q(f['willTopic'])} ke ${f['willCopies']} subscriber` : ''}.`
      : f['brokerClosed'] === true
      ? `${f['client']} tidak mengirim apa pun selama ${seconds(f['silentSeconds'], 'id')} dengan keep-alive ${f['keepAlive']} s (batas ${seconds(f['limitSeconds'], 'id')}, tanpa PINGREQ), lalu broker menutup koneksinya${f['clientGone'] === true ? `, dan penutupan itu tidak pernah dijawab client (bahkan tidak dengan TCP ACK): host atau jaringannya sudah tidak ada` : ''}${f['willTopic'] !== undefined ? `; sesudahnya broker mengirim Will-nya di ${q(f['willTopic'])} ke ${f['willCopies']} subscriber` : ''}.`
      : `${f['client']} sudah ${seconds(f['silentSeconds'], 'id')} tidak mengirim apa pun saat capture berakhir, melewati 1,5 × keep-alive ${f['keepAlive']} s (tanpa PINGREQ): broker akan memutusnya.`,
  },
  'diag.client-id-takeover': {
    en: (f) => `Client id ${q(f['clientId'])} was taken over ${plural(Number(f['rounds']), 'time', 'times')}: each CONNECT with this id (from ${list(f['clients'], 'en')}) made the broker close the connection that had it${Number(f['rounds']) > 1 ? ', back and forth' : ''}.`,
    id: (f) => `Client id ${q(f['clientId'])} diambil alih ${f['rounds']} kali: setiap CONNECT dengan id ini (dari ${list(f['clients'], 'id')}) membuat broker menutup koneksi yang sedang memakainya${Number(f['rounds']) > 1 ? ', bergantian' : ''}.`,
  },
  'diag.qos-unacknowledged': {
    en: (f) => `${f['receiver']} never acknowledged ${plural(Number(f['count']), `QoS ${f['qos']} message`, `QoS ${f['qos']} messages`)} ${f['sender'] === 'broker' ? 'the broker sent it' : `${f['publisher'] ?? 'the client'} published`} (no ${f['ack']}).`,
    id: (f) => `${f['receiver']} tidak pernah mengakui ${f['count']} pesan QoS ${f['qos']} ${f['sender'] === 'broker' ? 'yang dikirim broker kepadanya' : `yang di-publish ${f['publisher'] ?? 'client'}`} (tidak ada ${f['ack']}).`,
  },
  'diag.qos-redelivered': {
    en: (f) => `${f['sender'] === 'broker' ? 'The broker' : f['senderName']} sent ${plural(Number(f['count']), 'message', 'messages')} again with DUP set to ${f['receiver']}: the first ${Number(f['count']) === 1 ? 'delivery was' : 'deliveries were'} not acknowledged in time.`,
    id: (f) => `${f['sender'] === 'broker' ? 'Broker' : f['senderName']} mengirim ulang ${f['count']} pesan dengan flag DUP ke ${f['receiver']}: pengiriman pertama belum diakui tepat waktu.`,
  },
  'diag.packet-id-reused': {
    en: (f) => `${f['sender']} reused packet id ${list(f['packetIds'], 'en')} while a QoS message with it was still unacknowledged (${plural(Number(f['count']), 'time', 'times')}).`,
    id: (f) => `${f['sender']} memakai ulang packet id ${list(f['packetIds'], 'id')} padahal pesan QoS dengan id itu belum diakui (${f['count']} kali).`,
  },
  'diag.publish-refused': {
    en: (f) => f['ack'] === 'DISCONNECT'
      ? `The broker refused ${plural(Number(f['count']), 'message', 'messages')} ${f['publisher']} published to ${topics(f, 'en')} by disconnecting the client right after ${Number(f['count']) === 1 ? 'it' : 'each'}: DISCONNECT reason code ${f['code']} (${f['codeName']}).`
      : `The broker refused ${plural(Number(f['count']), 'message', 'messages')} ${f['publisher']} published to ${topics(f, 'en')}: ${f['ack']} reason code ${f['code']} (${f['codeName']}).`,
    id: (f) => f['ack'] === 'DISCONNECT'
      ? `Broker menolak ${f['count']} pesan yang di-publish ${f['publisher']} ke ${topics(f, 'id')} dengan memutus client tepat sesudahnya: DISCONNECT reason code ${f['code']} (${f['codeName']}).`
      : `Broker menolak ${f['count']} pesan yang di-publish ${f['publisher']} ke ${topics(f, 'id')}: ${f['ack']} reason code ${f['code']} (${f['codeName']}).`,
  },
  'diag.protocol-violation': {
    en: (f) => `${violationHow(f, 'en')} right after it sent "${f['packet']}"${reconnects(f, 'en')}: ${violationRule(f, 'en')}.`,
    id: (f) => `${violationHow(f, 'id')} tepat setelah client itu mengirim "${f['packet']}"${reconnects(f, 'id')}: ${violationRule(f, 'id')}.`,
  },
  'diag.malformed-packet': {
    en: (f) => {
      const n = Number(f['count']);
      const reserved = String(f['packet']).startsWith('type ');
      const label = reserved ? `packet${n === 1 ? '' : 's'} of ${f['packet']}` : `${f['packet']}${n === 1 ? '' : ' packets'}`;
      const what = `${n === 1 ? 'a malformed' : `${n} malformed`} ${label}`;
      return f['sender'] === 'broker'
        ? `The broker at ${f['server']} sent ${what} to ${f['client']}: ${malformedWhat(f, 'en')}.`
        : f['brokerClosed'] === true
          ? `${f['client']} sent ${what} to the broker at ${f['server']}: ${malformedWhat(f, 'en')}; the broker closed the connection right after ${n === 1 ? 'it' : 'each'}, as a broker does on a malformed packet.`
          : `${f['client']} sent ${what} to the broker at ${f['server']}: ${malformedWhat(f, 'en')}; the capture does not show the broker closing the connection on ${n === 1 ? 'it' : 'them'}, as a broker does on a malformed packet.`;
    },
    id: (f) => {
      const n = Number(f['count']);
      const packet = String(f['packet']).replace(/^type /, 'bertipe ');
      const what = `${n === 1 ? 'satu' : n} paket ${packet} yang malformed`;
      return f['sender'] === 'broker'
        ? `Broker di ${f['server']} mengirim ${what} ke ${f['client']}: ${malformedWhat(f, 'id')}.`
        : f['brokerClosed'] === true
          ? `${f['client']} mengirim ${what} ke broker di ${f['server']}: ${malformedWhat(f, 'id')}; broker langsung menutup koneksi sesudahnya, seperti yang dilakukan broker bila menerima paket malformed.`
          : `${f['client']} mengirim ${what} ke broker di ${f['server']}: ${malformedWhat(f, 'id')}; capture ini tidak menunjukkan broker menutup koneksi karenanya, padahal broker biasanya menutup koneksi bila menerima paket malformed.`;
    },
  },
  'diag.subscription-refused': {
    en: (f) => f['closed'] === true
      ? `The broker refused the subscription of ${f['subscriber']} to ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'en')} by closing the connection right after the SUBSCRIBE, without a SUBACK${Number(f['count']) > 1 ? ` (${f['count']} times, on each reconnect)` : ''}${invalidFilter(f, 'en')}.`
      : `The broker refused the subscription of ${f['subscriber']} to ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'en')} (SUBACK ${f['code']}: ${f['codeName']}).`,
    id: (f) => f['closed'] === true
      ? `Broker menolak subscription ${f['subscriber']} ke ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'id')} dengan menutup koneksi tepat setelah SUBSCRIBE, tanpa SUBACK${Number(f['count']) > 1 ? ` (${f['count']} kali, pada setiap reconnect)` : ''}${invalidFilter(f, 'id')}.`
      : `Broker menolak subscription ${f['subscriber']} ke ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'id')} (SUBACK ${f['code']}: ${f['codeName']}).`,
  },
  'diag.unsubscribe-unmatched': {
    en: (f) => `${f['client']} unsubscribed from ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'en')} but had no subscription with ${Number(f['count']) === 1 ? 'that exact filter' : 'those exact filters'}: ${f['clean'] === true ? 'its session was clean (clean session 1: it starts with no subscription) and this connection had not subscribed to it, so nothing was unsubscribed (an UNSUBACK before MQTT 5 cannot say so)' : 'the broker answered UNSUBACK 0x11 (no subscription existed), so nothing was unsubscribed'}${Array.isArray(f['stillSubscribed']) && f['stillSubscribed'].length > 0 ? `; its subscription to ${list(f['stillSubscribed'].map((x) => `'${x}'`), 'en')} stays${Number(f['received']) > 0 ? `, and the broker delivered ${plural(Number(f['received']), 'more message', 'more messages')} on it afterwards` : ''}` : ''}.`,
    id: (f) => `${f['client']} melakukan unsubscribe dari ${list((f['filters'] as string[] | undefined)?.map((x) => `'${x}'`), 'id')} padahal tidak punya subscription dengan filter yang persis sama: ${f['clean'] === true ? 'sesinya bersih (clean session 1: dimulai tanpa subscription) dan koneksi ini belum pernah subscribe ke filter itu, jadi tidak ada yang di-unsubscribe (UNSUBACK sebelum MQTT 5 tidak bisa menyatakannya)' : 'broker menjawab UNSUBACK 0x11 (no subscription existed), jadi tidak ada yang di-unsubscribe'}${Array.isArray(f['stillSubscribed']) && f['stillSubscribed'].length > 0 ? `; subscription-nya ke ${list(f['stillSubscribed'].map((x) => `'${x}'`), 'id')} tetap berlaku${Number(f['received']) > 0 ? `, dan sesudahnya broker masih mengirim ${f['received']} pesan lagi lewat subscription itu` : ''}` : ''}.`,
  },
  'diag.subscription-downgraded': {
    en: (f) => `${f['subscriber']} asked for QoS ${f['asked']} on ${q(f['filter'])} and the broker granted QoS ${f['granted']}.`,
    id: (f) => `${f['subscriber']} meminta QoS ${f['asked']} untuk ${q(f['filter'])} dan broker hanya memberikan QoS ${f['granted']}.`,
  },
  'diag.tcp-retransmitted-data': {
    en: (f) => f['bothWays'] === true
      ? `TCP retransmitted MQTT data ${plural(Number(f['count']), 'time', 'times')} on ${f['connection']}, both ways, and none of it was acknowledged: from t=${seconds(f['cutAt'], 'en')} neither side heard the other, though both went on sending, so the path between them was cut, not one side gone.`
      : f['neverAcknowledged'] === true
      ? `TCP retransmitted MQTT data ${plural(Number(f['count']), 'time', 'times')} on ${f['connection']} and it was never acknowledged: nothing came back from ${f['silentPeer']} after t=${seconds(f['peerLastHeardAt'], 'en')}, to the end of the capture, so the data was not delivered.`
      : f['receiverWindowFull'] === true
        ? `TCP retransmitted MQTT data ${plural(Number(f['count']), 'time', 'times')} on ${f['connection']}, delaying it by up to ${num(Number(f['maxDelayMs']), 'en', 1)} ms: the receiver's buffer was full (it then advertised a zero window), so it dropped what it could not take.`
      : f['corrupted'] !== undefined
        ? `${plural(Number(f['corrupted']), 'TCP segment', 'TCP segments')} on ${f['connection']} arrived corrupted (bad TCP checksum${f['corruptedFrom'] === 'both' ? ', both directions' : `, sent by the ${f['corruptedFrom'] === 'server' ? 'broker' : 'client'}`}): the receiver dropped ${Number(f['corrupted']) === 1 ? 'it' : 'them'} and TCP sent the data again${Number(f['count']) > 0 ? ` (${plural(Number(f['count']), 'retransmission', 'retransmissions')}, up to ${num(Number(f['maxDelayMs']), 'en', 1)} ms late)` : ''}; the MQTT packets are read from the intact copies.`
        : `TCP retransmitted MQTT data ${plural(Number(f['count']), 'time', 'times')} on ${f['connection']}, delaying it by up to ${num(Number(f['maxDelayMs']), 'en', 1)} ms.`,
    id: (f) => f['bothWays'] === true
      ? `TCP mengirim ulang data MQTT ${f['count']} kali pada ${f['connection']}, di kedua arah, dan tidak satu pun diakui (ACK): sejak t=${seconds(f['cutAt'], 'id')} kedua pihak tidak saling mendengar, padahal keduanya terus mengirim, jadi jalur di antara mereka terputus, bukan salah satu pihak yang hilang.`
      : f['neverAcknowledged'] === true
      ? `TCP mengirim ulang data MQTT ${f['count']} kali pada ${f['connection']} dan data itu tidak pernah diakui (ACK): tidak ada apa pun yang datang lagi dari ${f['silentPeer']} sesudah t=${seconds(f['peerLastHeardAt'], 'id')} sampai capture berakhir, jadi datanya tidak terkirim.`
      : f['receiverWindowFull'] === true
        ? `TCP mengirim ulang data MQTT ${f['count']} kali pada ${f['connection']}, sehingga tertunda hingga ${num(Number(f['maxDelayMs']), 'id', 1)} ms: buffer penerima penuh (sesudahnya ia mengumumkan window nol), jadi ia membuang data yang tidak bisa ditampungnya.`
      : f['corrupted'] !== undefined
        ? `${f['corrupted']} segmen TCP pada ${f['connection']} tiba dalam keadaan rusak (checksum TCP salah${f['corruptedFrom'] === 'both' ? ', di kedua arah' : `, dikirim oleh ${f['corruptedFrom'] === 'server' ? 'broker' : 'client'}`}): penerima membuangnya dan TCP mengirim ulang datanya${Number(f['count']) > 0 ? ` (${f['count']} retransmisi, terlambat hingga ${num(Number(f['maxDelayMs']), 'id', 1)} ms)` : ''}; paket MQTT dibaca dari salinan yang utuh.`
        : `TCP mengirim ulang data MQTT ${f['count']} kali pada ${f['connection']}, sehingga tertunda hingga ${num(Number(f['maxDelayMs']), 'id', 1)} ms.`,
  },
  'diag.tcp-zero-window': {
    en: (f) => `${f['receiver']} advertised a zero TCP window ${plural(Number(f['count']), 'time', 'times')} on ${f['connection']}${Number(f['longestMs']) >= 1000
      ? `, the longest for ${seconds(Number(f['longestMs']) / 1000, 'en')}: it read nothing at all for that long (the sender's window probes were answered with a zero window), so its program was paused or blocked, not just slow.`
      : `: it was not reading its data fast enough.`}`,
    id: (f) => `${f['receiver']} mengumumkan TCP window nol ${f['count']} kali pada ${f['connection']}${Number(f['longestMs']) >= 1000
      ? `, yang terlama selama ${seconds(Number(f['longestMs']) / 1000, 'id')}: selama itu ia sama sekali tidak membaca (probe window dari pengirim dijawab dengan window nol), jadi programnya terhenti atau macet, bukan sekadar lambat.`
      : `: ia tidak membaca datanya cukup cepat.`}`,
  },
  'diag.subscriber-quit-on-payload': {
    en: (f) => `${f['subscriber']} closed its connection (${f['closedWith']}, no DISCONNECT) ${duration(f['afterSeconds'], 'en')} after the broker delivered it a message on ${q(f['topic'])} (frame ${f['messageFrame']}, ${plural(Number(f['bytes']), 'byte', 'bytes')}) whose payload is not valid UTF-8 text, and sent nothing in between: its program stopped while handling that message.`,
    id: (f) => `${f['subscriber']} menutup koneksinya (${f['closedWith']}, tanpa DISCONNECT) ${duration(f['afterSeconds'], 'id')} setelah broker mengirimkan kepadanya pesan di topik ${q(f['topic'])} (frame ${f['messageFrame']}, ${f['bytes']} byte) yang payload-nya bukan teks UTF-8 yang valid, tanpa mengirim apa pun di antaranya: programnya berhenti saat memproses pesan itu.`,
  },
  'diag.forwarding-includes-rtt': {
    en: (f) => `The broker forwarding delays (median ${num(Number(f['medianForwardingMs']), 'en', 1)} ms over ${plural(Number(f['forwardedCount']), 'copy', 'copies')}, from a PUBLISH to the broker's copy of it) include the network round trip between the capture point and the broker at ${list(f['servers'], 'en')}, about ${num(Number(f['roundTripMs']), 'en', 1)} ms (its quickest TCP acknowledgement of a client's data, median over ${plural(Number(f['connections']), 'connection', 'connections')}): the capture was made away from the broker, so each copy is seen a round trip after its publish`
      + `${f['brokerMs'] !== undefined ? `; about ${num(Number(f['brokerMs']), 'en', 1)} ms of the median is left for the broker itself (an estimate: the publisher's and the subscriber's paths to the broker taken as half a round trip each)` : '; nothing measurable is left for the broker itself: the delay is the network\'s'}.`,
    id: (f) => `Waktu penerusan oleh broker (median ${num(Number(f['medianForwardingMs']), 'id', 1)} ms dari ${f['forwardedCount']} salinan, dari PUBLISH sampai salinannya dari broker) sudah termasuk round trip jaringan antara titik capture dan broker di ${list(f['servers'], 'id')}, sekitar ${num(Number(f['roundTripMs']), 'id', 1)} ms (ACK TCP tercepat broker atas data client, median dari ${f['connections']} koneksi): capture diambil jauh dari broker, sehingga setiap salinan terlihat satu round trip setelah publish-nya`
      + `${f['brokerMs'] !== undefined ? `; sekitar ${num(Number(f['brokerMs']), 'id', 1)} ms dari median itu tersisa untuk broker sendiri (perkiraan: jalur publisher dan subscriber ke broker masing-masing dianggap setengah round trip)` : '; tidak ada sisa yang terukur untuk broker sendiri: waktunya habis di jaringan'}.`,
  },
  'diag.slow-handshake': {
    en: (f) => {
      const one = Number(f['count']) === 1;
      const took = Number(f['minSeconds']) === Number(f['maxSeconds']) ? seconds(f['maxSeconds'], 'en') : `${seconds(f['minSeconds'], 'en')} to ${seconds(f['maxSeconds'], 'en')}`;
      const resent = Number(f['resent']);
      return `${one ? `The TCP handshake of ${list(f['clients'], 'en')}` : `${f['count']} TCP handshakes of ${list(f['clients'], 'en')}`} with ${f['server']} took ${took} from the first SYN: `
        + `${one ? 'the client' : 'the clients'} resent ${one ? 'its' : 'their'} SYN ${resent === 1 ? 'once' : `${resent} times${one ? '' : ' in all'}`} because the round trip to the broker is longer than the SYN retransmission timeout (1 s), not because a packet was lost: `
        + `the SYN-ACK (frame ${f['synAckFrame']}) answers the first SYN (frame ${f['firstSynFrame']}), as its TCP timestamp echo shows`
        + `${f['irttSeconds'] !== undefined ? `; the handshake RTT Wireshark shows (${duration(f['irttSeconds'], 'en')}) counts from the resent SYN and understates the round trip` : ''}.`;
    },
    id: (f) => {
      const one = Number(f['count']) === 1;
      const took = Number(f['minSeconds']) === Number(f['maxSeconds']) ? seconds(f['maxSeconds'], 'id') : `${seconds(f['minSeconds'], 'id')} sampai ${seconds(f['maxSeconds'], 'id')}`;
      const resent = Number(f['resent']);
      return `${one ? `Handshake TCP ${list(f['clients'], 'id')}` : `${f['count']} handshake TCP ${list(f['clients'], 'id')}`} dengan ${f['server']} memakan waktu ${took} sejak SYN pertama: `
        + `client mengirim ulang SYN ${resent === 1 ? 'satu kali' : `${resent} kali${one ? '' : ' seluruhnya'}`} karena waktu pulang-pergi (round trip) ke broker lebih lama daripada batas waktu pengiriman ulang SYN (1 detik), bukan karena ada paket yang hilang: `
        + `SYN-ACK (frame ${f['synAckFrame']}) menjawab SYN pertama (frame ${f['firstSynFrame']}), seperti ditunjukkan oleh gema timestamp TCP-nya`
        + `${f['irttSeconds'] !== undefined ? `; RTT handshake yang ditampilkan Wireshark (${duration(f['irttSeconds'], 'id')}) dihitung dari SYN yang dikirim ulang, sehingga lebih kecil daripada round trip sebenarnya` : ''}.`;
    },
  },
  'diag.client-sent-nothing': {
    en: (f) => f['distinctClients'] !== undefined
      ? `${f['distinctClients']} clients of ${f['client']} (${some(f['clients'], Number(f['distinctClients']), 'en')}) connected to ${f['server']}${Number(f['count']) === Number(f['distinctClients']) ? ' once each' : ` ${f['count']} times in all`} and closed each connection (FIN, no DISCONNECT) after the broker accepted it (CONNACK; the first ${duration(f['afterConnackSeconds'], 'en')} after), having sent nothing but the CONNECT: no PUBLISH, no SUBSCRIBE.`
      : Number(f['count']) === 1
      ? `${f['client']} closed its connection (FIN, no DISCONNECT) ${duration(f['afterConnackSeconds'], 'en')} after the broker accepted it (CONNACK), having sent nothing but its CONNECT: no PUBLISH, no SUBSCRIBE.`
      : `${f['client']} closed ${f['count']} connections (FIN, no DISCONNECT) soon after the broker accepted them (CONNACK; the first ${duration(f['afterConnackSeconds'], 'en')} after), each having sent nothing but its CONNECT: no PUBLISH, no SUBSCRIBE.`,
    id: (f) => f['distinctClients'] !== undefined
      ? `${f['distinctClients']} client dari ${f['client']} (${some(f['clients'], Number(f['distinctClients']), 'id')}) terhubung ke ${f['server']}${Number(f['count']) === Number(f['distinctClients']) ? ' masing-masing sekali' : ` sebanyak ${f['count']} kali`} dan menutup setiap koneksi (FIN, tanpa DISCONNECT) setelah broker menerimanya (CONNACK; yang pertama ${duration(f['afterConnackSeconds'], 'id')} setelahnya), tanpa mengirim apa pun selain CONNECT: tidak ada PUBLISH maupun SUBSCRIBE.`
      : Number(f['count']) === 1
      ? `${f['client']} menutup koneksinya (FIN, tanpa DISCONNECT) ${duration(f['afterConnackSeconds'], 'id')} setelah broker menerimanya (CONNACK), tanpa mengirim apa pun selain CONNECT: tidak ada PUBLISH maupun SUBSCRIBE.`
      : `${f['client']} menutup ${f['count']} koneksi (FIN, tanpa DISCONNECT) tak lama setelah broker menerimanya (CONNACK; yang pertama ${duration(f['afterConnackSeconds'], 'id')} setelahnya), masing-masing tanpa mengirim apa pun selain CONNECT: tidak ada PUBLISH maupun SUBSCRIBE.`,
  },
  'diag.tcp-reset': {
    en: (f) => f['sentNothing'] === true
      ? `${f['client']} reset its connection ${duration(f['afterConnackSeconds'], 'en')} after the broker accepted it (CONNACK), having sent nothing but its CONNECT: no PUBLISH, no SUBSCRIBE, no DISCONNECT.`
      : `The ${f['closedBy'] === 'server' ? 'broker' : 'client'} reset the connection of ${f['client']} (RST) in the middle of its MQTT session${Number(f['count']) > 1 ? ` (${f['count']} connections)` : ''}.`,
    id: (f) => f['sentNothing'] === true
      ? `${f['client']} mereset koneksinya ${duration(f['afterConnackSeconds'], 'id')} setelah broker menerimanya (CONNACK), tanpa mengirim apa pun selain CONNECT: tidak ada PUBLISH, SUBSCRIBE, maupun DISCONNECT.`
      : `${f['closedBy'] === 'server' ? 'Broker' : 'Client'} mereset koneksi ${f['client']} (RST) di tengah sesi MQTT-nya${Number(f['count']) > 1 ? ` (${f['count']} koneksi)` : ''}.`,
  },
  'diag.harmless-teardown-retransmission': {
    en: (f) => `${plural(Number(f['count']), 'FIN was', 'FINs were')} retransmitted while ${Number(f['connections']) === 1 ? 'a connection was' : 'connections were'} closing: harmless, the data had all been delivered and acknowledged.`,
    id: (f) => `${f['count']} FIN dikirim ulang saat koneksi sedang ditutup: tidak berbahaya, semua data sudah terkirim dan diakui (ACK).`,
  },
  'diag.name-not-resolved': {
    en: (f) => `${f['host']} asked the DNS server ${f['server']} for the address of ${list(f['names'], 'en')}${f['meant'] !== undefined ? ` (the broker's name is ${f['meant']})` : ''} ${plural(Number(f['queries']), 'time', 'times')} (${list(f['types'], 'en')}) and got none: ${f['noAnswer'] === true ? 'no query was answered' : `the server answered ${list((f['answers'] as string[]).map((a) => a === 'No error' ? '"No error" without an address' : `"${a}"`), 'en')}${Number(f['unanswered']) > 0 ? `, ${f['unanswered']} unanswered` : ''}`}; ${f['host']} opened no MQTT connection afterwards.`,
    id: (f) => `${f['host']} menanyakan alamat ${list(f['names'], 'id')}${f['meant'] !== undefined ? ` (nama broker adalah ${f['meant']})` : ''} ke server DNS ${f['server']} ${f['queries']} kali (${list(f['types'], 'id')}) dan tidak mendapat alamat: ${f['noAnswer'] === true ? 'tidak ada query yang dijawab' : `server menjawab ${list((f['answers'] as string[]).map((a) => a === 'No error' ? '"No error" tanpa alamat' : `"${a}"`), 'id')}${Number(f['unanswered']) > 0 ? `, ${f['unanswered']} tidak dijawab` : ''}`}; sesudahnya ${f['host']} tidak membuka koneksi MQTT.`,
  },
  'diag.no-mqtt': {
    en: (f) => f['cutBeforePayload'] !== undefined
      ? `The capture holds no MQTT that can be read: ${f['cutBeforePayload']} of its ${plural(Number(f['frames']), 'frame was', 'frames were')} cut by the capture's snapshot length before their TCP payload (headers only${Array.isArray(f['tcpPorts']) && f['tcpPorts'].length > 0 ? `, TCP to port ${list(f['tcpPorts'], 'en')}` : ''}), so no MQTT packet was captured.`
      : `The capture holds no MQTT at all: its ${plural(Number(f['frames']), 'frame is', 'frames are')} ${list(f['protocols'], 'en')}${Array.isArray(f['tcpPorts']) && f['tcpPorts'].length > 0 ? `, with TCP to port ${list(f['tcpPorts'], 'en')}` : ''}.`,
    id: (f) => f['cutBeforePayload'] !== undefined
      ? `Capture ini tidak berisi MQTT yang bisa dibaca: ${f['cutBeforePayload']} dari ${f['frames']} frame-nya terpotong oleh snapshot length capture sebelum payload TCP-nya (hanya header${Array.isArray(f['tcpPorts']) && f['tcpPorts'].length > 0 ? `, TCP ke port ${list(f['tcpPorts'], 'id')}` : ''}), jadi tidak ada paket MQTT yang terekam.`
      : `Capture ini sama sekali tidak berisi MQTT: ${f['frames']} frame-nya adalah ${list(f['protocols'], 'id')}${Array.isArray(f['tcpPorts']) && f['tcpPorts'].length > 0 ? `, dengan TCP ke port ${list(f['tcpPorts'], 'id')}` : ''}.`,
  },
  'diag.one-direction': {
    en: (f) => `Only the ${f['seen'] === 'client' ? 'client-to-broker' : 'broker-to-client'} direction of ${plural(Number(f['count']), 'MQTT connection was', 'MQTT connections were')} captured (e.g. ${f['example']}).`,
    id: (f) => `Hanya arah ${f['seen'] === 'client' ? 'client ke broker' : 'broker ke client'} dari ${f['count']} koneksi MQTT yang terekam (misalnya ${f['example']}).`,
  },
  'diag.capture-started-late': {
    en: (f) => `The capture started after ${plural(Number(f['count']), 'MQTT connection was', 'MQTT connections were')} opened (${list(f['clients'], 'en')}): no handshake or CONNECT, so client id, keep-alive and version are unknown or inferred.`,
    id: (f) => `Capture dimulai setelah ${f['count']} koneksi MQTT terbuka (${list(f['clients'], 'id')}): tidak ada handshake atau CONNECT, jadi client id, keep-alive, dan versinya tidak diketahui atau hanya diperkirakan.`,
  },
  'diag.snaplen-cut': {
    en: (f) => `${plural(Number(f['count']), 'frame was', 'frames were')} cut by the capture's snapshot length: ${plural(Number(f['packets'] ?? f['count']), 'MQTT packet is', 'MQTT packets are')} incomplete${Number(f['packets'] ?? f['count']) < Number(f['count']) ? ' (a packet longer than one frame spans several)' : ''}.`,
    id: (f) => `${f['count']} frame terpotong oleh snapshot length capture: ${f['packets'] ?? f['count']} paket MQTT tidak lengkap${Number(f['packets'] ?? f['count']) < Number(f['count']) ? ' (paket yang lebih panjang dari satu frame menempati beberapa frame)' : ''}.`,
  },
  'diag.duplicate-frames': {
    en: (f) => `${plural(Number(f['packets'] ?? f['count']), 'packet was', 'packets were')} captured ${f['maxTimes'] !== undefined ? `more than once (most ${timesWords(f['times'], 'en')}, some up to ${timesWords(f['maxTimes'], 'en')})` : timesWords(f['times'] ?? 2, 'en')}, once on each interface they crossed (tcpdump -i any): the ${plural(Number(f['count']), 'copy is', 'copies are')} not retransmissions.`,
    id: (f) => `${f['packets'] ?? f['count']} paket terekam ${f['maxTimes'] !== undefined ? `lebih dari sekali (sebagian besar ${timesWords(f['times'], 'id')}, sebagian hingga ${timesWords(f['maxTimes'], 'id')})` : timesWords(f['times'] ?? 2, 'id')}, sekali di setiap interface yang dilewatinya (tcpdump -i any): ${f['count']} salinan itu bukan retransmisi.`,
  },
  'diag.nonstandard-port': {
    en: (f) => `MQTT runs on port ${f['port']} of ${f['host']}, which Wireshark does not decode as MQTT by default.`,
    id: (f) => `MQTT berjalan di port ${f['port']} pada ${f['host']}, yang secara default tidak didekode Wireshark sebagai MQTT.`,
  },
  'diag.mqtt-over-websocket': {
    en: (f) => `MQTT is carried over WebSocket on ${f['server']} (${plural(Number(f['count']), 'connection', 'connections')}).`,
    id: (f) => `MQTT dibawa melalui WebSocket di ${f['server']} (${f['count']} koneksi).`,
  },
  'diag.mqtt-over-tls': {
    en: (f) => `MQTT is carried over TLS on ${f['server']} (${plural(Number(f['count']), 'connection', 'connections')}): the messages are encrypted and cannot be read from the capture.`,
    id: (f) => `MQTT dibawa melalui TLS di ${f['server']} (${f['count']} koneksi): pesannya terenkripsi dan tidak bisa dibaca dari capture.`,
  },
  'diag.tls-handshake-failed': {
    en: (f) => `The TLS handshake of ${f['client']} with the broker at ${f['server']} failed${reconnects(f, 'en')}: the ${f['sender'] === 'broker' ? 'broker' : 'client'} sent the fatal alert \`${f['alert']}\`${alertMeaning(f, 'en')}; no MQTT went through.`,
    id: (f) => `Handshake TLS ${f['client']} dengan broker di ${f['server']} gagal${reconnects(f, 'id')}: ${f['sender'] === 'broker' ? 'broker' : 'client'} mengirim alert fatal \`${f['alert']}\`${alertMeaning(f, 'id')}; tidak ada MQTT yang lewat.`,
  },
  'diag.tls-not-decrypted': {
    en: (f) => `The key log has no secret for ${plural(Number(f['count']), 'TLS session', 'TLS sessions')} with ${f['server']}: the MQTT inside stays encrypted and cannot be read.`,
    id: (f) => `Key log tidak memuat rahasia untuk ${f['count']} sesi TLS dengan ${f['server']}: MQTT di dalamnya tetap terenkripsi dan tidak bisa dibaca.`,
  },
};

/** How the broker ended the connection of a client that broke the protocol (diag.protocol-violation). */
function violationHow(f: Facts, lang: Lang): string {
  const client = f['client'];
  switch (f['how']) {
    case 'reset': return lang === 'en' ? `The broker reset the connection of ${client}` : `Broker me-reset koneksi ${client}`;
    case 'disconnect': return lang === 'en'
      ? `The broker disconnected ${client} with DISCONNECT reason code ${f['code']} (${f['codeName']})`
      : `Broker memutus ${client} dengan DISCONNECT reason code ${f['code']} (${f['codeName']})`;
    default: return lang === 'en' ? `The broker closed the connection of ${client}` : `Broker menutup koneksi ${client}`;
  }
}

/** What a fatal TLS alert says, by who sent it (diag.tls-handshake-failed): ", ..." or "". */
function alertMeaning(f: Facts, lang: Lang): string {
  const byBroker = f['sender'] === 'broker';
  const other = byBroker ? { en: 'the client', id: 'client' } : { en: 'the broker', id: 'broker' };
  const words: Record<string, { en: string; id: string }> = {
    handshake_failure: byBroker
      ? { en: ' (it could not complete the handshake: what a broker that requires a client certificate sends when the client gave none, or when no cipher suite suits both)', id: ' (handshake tidak bisa diselesaikan: yang dikirim broker yang mewajibkan sertifikat client bila client tidak memberikannya, atau bila tidak ada cipher suite yang cocok bagi keduanya)' }
      : { en: ' (it could not complete the handshake with the broker\'s choices)', id: ' (handshake tidak bisa diselesaikan dengan pilihan broker)' },
    certificate_required: { en: ': the broker requires a client certificate and the client sent none', id: ': broker mewajibkan sertifikat client dan client tidak mengirimkannya' },
    unknown_ca: { en: `: it does not trust the CA that signed ${other.en}'s certificate`, id: `: ia tidak memercayai CA yang menandatangani sertifikat ${other.id}` },
    bad_certificate: { en: `: it refused ${other.en}'s certificate`, id: `: ia menolak sertifikat ${other.id}` },
    certificate_unknown: { en: `: it refused ${other.en}'s certificate`, id: `: ia menolak sertifikat ${other.id}` },
    certificate_expired: { en: `: ${other.en}'s certificate has expired`, id: `: sertifikat ${other.id} sudah kedaluwarsa` },
    protocol_version: { en: `: no TLS version both accept${f['offered'] !== undefined ? ` (the client offered ${f['offered']})` : ''}`, id: `: tidak ada versi TLS yang diterima keduanya${f['offered'] !== undefined ? ` (client menawarkan ${f['offered']})` : ''}` },
  };
  return words[String(f['alert'])]?.[lang] ?? '';
}

/**
 * diag.published-to-nobody: the messages that expired in the broker's queue behind a connected subscriber's used-up
 * Receive Maximum ("; they had a Message Expiry Interval of 1 s and expired in the broker's queue for ..."), or "".
 */
function queueExpiredWords(f: Facts, lang: Lang): string {
  const n = Number(f['queueExpiredMessages'] ?? 0);
  if (n === 0) return '';
  const all = n === Number(f['count']);
  const max = list(f['receiveMaximum'], lang);
  const one = Array.isArray(f['receiveMaximum']) && f['receiveMaximum'].length === 1 && Number(f['receiveMaximum'][0]) === 1;
  return lang === 'en'
    ? `; ${all ? (n === 1 ? 'it' : 'they') : `${n} of them`} had a Message Expiry Interval of ${list(f['messageExpiry'], 'en')} s and expired in the broker's queue for ${list(f['queueExpiredFor'], 'en')}, still connected, which takes at most ${max} unacknowledged QoS 1/2 ${one ? 'message' : 'messages'} at a time (Receive Maximum) and had used them up: the broker held ${all && n === 1 ? 'it' : 'them'} back until an acknowledgement came, and dropped ${all && n === 1 ? 'it' : 'them'} when the interval ran out, before ${all && n === 1 ? 'its' : 'their'} turn`
    : `; ${all ? 'pesan itu' : `${n} di antaranya`} memiliki \`Message Expiry Interval\` ${list(f['messageExpiry'], 'id')} s dan kedaluwarsa di antrean broker untuk ${list(f['queueExpiredFor'], 'id')}, yang masih terhubung, yang hanya menerima paling banyak ${max} pesan QoS 1/2 yang belum diakui sekaligus (\`Receive Maximum\`) dan kuota itu sedang habis: broker menahannya sampai ada acknowledgement, lalu membuangnya ketika interval habis, sebelum gilirannya tiba`;
}

/** " (3 times, on each reconnect)" when the same thing happened on several connections. */
function reconnects(f: Facts, lang: Lang): string {
  const n = Number(f['count']);
  if (n <= 1) return '';
  return lang === 'en' ? ` (${n} times, on each reconnect)` : ` (${n} kali, pada setiap reconnect)`;
}

/** What a malformed client packet got wrong, by the reader's finding code. */
const MALFORMED_WORDS: Record<string, { en: string; id: string }> = {
  'mqtt.invalid-qos': { en: 'QoS 3 does not exist', id: 'QoS 3 tidak ada' },
  'mqtt.reserved-flags': { en: 'its fixed-header flags are not the values the specification reserves', id: 'flag fixed header-nya bukan nilai yang ditetapkan spesifikasi' },
  'mqtt.unknown-type': { en: 'its packet type is reserved', id: 'tipe paketnya termasuk yang dicadangkan (reserved)' },
  'mqtt.bad-property': { en: 'its MQTT 5 properties cannot be read', id: 'property MQTT 5-nya tidak bisa dibaca' },
  'mqtt.bad-remaining-length': { en: 'its Remaining Length is longer than 4 bytes', id: 'Remaining Length-nya lebih dari 4 byte' },
  'mqtt.bad-utf8': { en: 'its topic name is not valid UTF-8 or holds U+0000', id: 'topic name-nya bukan UTF-8 yang valid atau berisi U+0000' },
  'mqtt.bad-protocol': { en: 'its protocol name or level is unknown', id: 'nama atau level protokolnya tidak dikenal' },
};

/** What is wrong with a malformed packet (fact `malformed`, its finding code). */
function malformedWhat(f: Facts, lang: Lang): string {
  return MALFORMED_WORDS[String(f['malformed'])]?.[lang]
    ?? (lang === 'en' ? 'a field runs past the packet, or bytes are left over' : 'ada field yang melewati batas paket, atau ada byte yang tersisa');
}

/** The rule the client's packet broke (diag.protocol-violation). */
function violationRule(f: Facts, lang: Lang): string {
  const en = lang === 'en';
  switch (f['rule']) {
    case 'wildcard-topic': return en
      ? `the topic name ${q(f['topic'])} holds a wildcard ('+' or '#'), which only a subscription may use; a message is published to one exact topic`
      : `topic name ${q(f['topic'])} berisi wildcard ('+' atau '#'), yang hanya boleh dipakai untuk subscribe; pesan di-publish ke satu topik yang persis`;
    case 'empty-topic': return en ? 'a PUBLISH needs a topic name, and this one is empty' : 'PUBLISH wajib punya topic name, dan yang ini kosong';
    case 'unknown-topic-alias': return en
      ? `its topic name is empty and its Topic Alias ${f['alias']} was never mapped to a topic on this connection; an alias stands for the topic the same client gave with it earlier on the same connection, and starts unmapped on every new one`
      : `topic name-nya kosong dan Topic Alias ${f['alias']}-nya belum pernah dipetakan ke topik di koneksi ini; alias mewakili topik yang diberikan client yang sama bersama alias itu sebelumnya di koneksi yang sama, dan kosong lagi di setiap koneksi baru`;
    case 'zero-packet-id': return en ? 'its packet identifier is 0, and packet identifiers run from 1 to 65535'
      : 'packet identifier-nya 0, padahal packet identifier harus antara 1 dan 65535';
    case 'second-connect': return en ? 'a client may send CONNECT only once on a connection, and this one was already connected'
      : 'client hanya boleh mengirim CONNECT sekali dalam satu koneksi, dan koneksi ini sudah terhubung';
    default: return en ? `the packet is malformed: ${malformedWhat(f, lang)}` : `paketnya malformed: ${malformedWhat(f, lang)}`;
  }
}

function topics(f: Facts, lang: Lang): string {
  const all = Array.isArray(f['topics']) ? f['topics'] : [f['topic'] ?? ''];
  return list(all.map((t) => q(t)), lang);
}

/** Refused CONNECTs with an empty client id, and the rule each broke (connack-refused facts). */
function emptyIds(f: Facts, lang: Lang): string {
  const en = lang === 'en';
  const parts: string[] = [];
  const persistent = Number(f['emptyIdPersistent'] ?? 0);
  const v31 = Number(f['emptyIdV31'] ?? 0);
  if (persistent > 0) {
    parts.push(en ? `${plural(persistent, 'MQTT 3.1.1 CONNECT', 'MQTT 3.1.1 CONNECTs')} with an empty client id and clean session 0: a broker gives an empty id a session only with clean session 1 (MQTT-3.1.3-8), as it could never be found again`
      : `${persistent} CONNECT MQTT 3.1.1 dengan client id kosong dan clean session 0: broker hanya menerima id kosong dengan clean session 1 (MQTT-3.1.3-8), karena sesinya tidak akan bisa ditemukan lagi`);
  }
  if (v31 > 0) {
    parts.push(en ? `${plural(v31, 'MQTT 3.1 CONNECT', 'MQTT 3.1 CONNECTs')} with an empty client id: MQTT 3.1 needs 1 to 23 characters`
      : `${v31} CONNECT MQTT 3.1 dengan client id kosong: MQTT 3.1 memerlukan 1 sampai 23 karakter`);
  }
  return parts.length === 0 ? '' : `; ${parts.join('; ')}`;
}

function invalidFilter(f: Facts, lang: Lang): string {
  const en = lang === 'en';
  switch (f['invalid']) {
    case 'hash-not-last': return en ? `: the filter is invalid, '#' may only be the last level` : `: filter tidak valid, '#' hanya boleh menjadi level terakhir`;
    case 'partial-level': return en ? `: the filter is invalid, a wildcard ('+' or '#') must fill a whole level` : `: filter tidak valid, wildcard ('+' atau '#') harus mengisi satu level penuh`;
    case 'empty': return en ? ': the filter is empty' : ': filter kosong';
    default: return '';
  }
}

function notResubscribed(f: Facts, lang: Lang): string {
  const names = f['notResubscribed'];
  if (!Array.isArray(names) || names.length === 0) return '';
  return lang === 'en'
    ? `; ${list(names, 'en')} did not subscribe again after reconnecting, so ${names.length === 1 ? 'it receives' : 'they receive'} nothing`
    : `; ${list(names, 'id')} tidak subscribe lagi setelah reconnect, sehingga tidak menerima apa pun`;
}

/** diag.no-connect: every client sent a TLS record (a TLS client on the plain port). */
function allTls(f: Facts): boolean {
  return Array.isArray(f['tls']) && f['tls'].length > 0 && f['tls'].every((t) => Number(t) === 1);
}

/** "172.18.0.3:42462 sent Publish Message [edge/sneaky], 172.18.0.3:42466 sent bytes that are not MQTT (…)". */
function firstPackets(f: Facts, lang: Lang): string {
  const clients = Array.isArray(f['clients']) ? f['clients'].map(String) : [];
  const packets = Array.isArray(f['firstPackets']) ? f['firstPackets'].map(String) : [];
  const malformed = Array.isArray(f['malformed']) ? f['malformed'].map(Number) : [];
  const http = Array.isArray(f['http']) ? f['http'].map(String) : [];
  const tls = Array.isArray(f['tls']) ? f['tls'].map(Number) : [];
  const noPacket = Array.isArray(f['noPacket']) ? f['noPacket'].map(Number) : [];
  const single = clients.length === 1;
  const items = packets.map((p, i) => {
    const method = http[i] ?? '';
    // Wireshark's Info words, quoted as they are (English in both languages).
    const info = `"${p}"`;
    const what = noPacket[i] === 1
      ? (lang === 'en' ? `${p} that never made a whole MQTT packet (not MQTT; Wireshark shows no MQTT there)` : `${p.replace(' bytes', ' byte')} yang tidak pernah membentuk paket MQTT utuh (bukan MQTT; Wireshark tidak menampilkan MQTT di sana)`)
      : tls[i] === 1
      ? (lang === 'en' ? `a TLS ClientHello: it expects TLS (Wireshark reads the record's first bytes as ${info})` : `TLS ClientHello: ia mengharapkan TLS (Wireshark membaca byte pertama record-nya sebagai ${info})`)
      : method !== ''
      ? (lang === 'en' ? `an HTTP ${method} request (Wireshark reads its first bytes as ${info})` : `permintaan HTTP ${method} (Wireshark membaca byte pertamanya sebagai ${info})`)
      : malformed[i] === 1
        ? (lang === 'en' ? `bytes that are not MQTT (read as a malformed ${info})` : `byte yang bukan MQTT (terbaca sebagai ${info} yang rusak)`)
        : info;
    return what;
  });
  if (single) return lang === 'en' ? `it sent ${items[0] ?? ''}` : `ia mengirim ${items[0] ?? ''}`;
  // Clients that sent the same are told once: "a, b and c each sent 64 bytes …".
  const same = new Map<string, string[]>();
  items.forEach((what, i) => same.set(what, [...(same.get(what) ?? []), clients[i] ?? '']));
  return list([...same].map(([what, whos]) => (whos.length === 1
    ? (lang === 'en' ? `${whos[0]} sent ${what}` : `${whos[0]} mengirim ${what}`)
    : (lang === 'en' ? `${list(whos, 'en')} each sent ${what}` : `${list(whos, 'id')} masing-masing mengirim ${what}`))), lang);
}

/** diag.silent-connection: how long the broker waited before closing ("94.5 s later", "between 90 and 95 s later"). */
function waitWords(f: Facts, lang: Lang): string {
  const min = Number(f['minWaitSeconds']);
  const max = Number(f['maxWaitSeconds']);
  if (max - min < 1) return lang === 'en' ? `${seconds(min, 'en')} later` : `${seconds(min, 'id')} kemudian`;
  return lang === 'en' ? `between ${seconds(min, 'en')} and ${seconds(max, 'en')} later` : `antara ${seconds(min, 'id')} dan ${seconds(max, 'id')} kemudian`;
}

/** diag.password-guessing: the user names tried, and the client ids used. */
function userWords(f: Facts, lang: Lang): string {
  const users = Array.isArray(f['usernames']) ? f['usernames'].map(String) : [];
  if (users.length === 0) return lang === 'en' ? ' without a user name' : ' tanpa user name';
  return lang === 'en' ? ` as user ${list(users, 'en')}` : ` sebagai user ${list(users, 'id')}`;
}

/** Servers ("ip:port") as their ports ("ip:port" for several hosts), those in `marked` followed by " (mark)". */
function portsOf(servers: string[], marked: string[], mark: string): string[] {
  const hosts = new Set(servers.map((s) => s.slice(0, s.lastIndexOf(':'))));
  return servers.map((s) => `${hosts.size === 1 ? s.slice(s.lastIndexOf(':') + 1) : s}${marked.includes(s) ? ` (${mark})` : ''}`);
}

/** diag.port-scan: how the probed ports answered, and the open ones. */
function scanAnswers(f: Facts, lang: Lang): string {
  const refused = Number(f['refused']);
  const unanswered = Number(f['unanswered']);
  const open = Array.isArray(f['open']) ? f['open'].map(String) : [];
  const openCount = Number(f['openCount'] ?? open.length);
  const mqtt = Array.isArray(f['openMqtt']) ? f['openMqtt'].map(String) : [];
  const parts: string[] = [];
  if (lang === 'en') {
    if (refused > 0) parts.push(`${refused} answered RST (closed)`);
    if (unanswered > 0) parts.push(`${unanswered} never answered (filtered)`);
    parts.push(openCount === 0 ? 'none answered SYN-ACK' : `${openCount} answered SYN-ACK (open): ${list(portsOf(open, mqtt, 'MQTT'), 'en', 10)}`);
    return parts.join(', ');
  }
  if (refused > 0) parts.push(`${refused} dijawab RST (tertutup)`);
  if (unanswered > 0) parts.push(`${unanswered} tidak pernah dijawab (difilter)`);
  parts.push(openCount === 0 ? 'tidak ada yang dijawab SYN-ACK' : `${openCount} dijawab SYN-ACK (terbuka): ${list(portsOf(open, mqtt, 'MQTT'), 'id', 10)}`);
  return parts.join(', ');
}

function otherPorts(f: Facts, lang: Lang): string {
  const ports = f['otherPorts'];
  if (!Array.isArray(ports) || ports.length === 0) return '';
  return lang === 'en'
    ? `; an MQTT broker on the same host answered on port ${list(ports, 'en')}`
    : `; broker MQTT di host yang sama menjawab di port ${list(ports, 'id')}`;
}

// ---------------------------------------------------------------------------------------- causes and checks ---

/** Usual causes, by key. */
export const CAUSES: Record<string, { en: string; id: string }> = {
  'broker-not-running': { en: 'the broker is not running (container stopped, service not started, crashed at start-up)', id: 'broker tidak berjalan (container berhenti, service belum dijalankan, atau crash saat start)' },
  'wrong-port': { en: 'the client uses the wrong port, or the broker listens on another one', id: 'client memakai port yang salah, atau broker mendengarkan di port lain' },
  'broker-local-only': { en: 'Mosquitto 2.x without a `listener` line accepts connections from its own host only', id: 'Mosquitto 2.x tanpa baris `listener` hanya menerima koneksi dari host-nya sendiri' },
  'wrong-address': { en: 'the client uses a wrong broker address (an old container IP, a typo)', id: 'client memakai alamat broker yang salah (IP container lama, salah ketik)' },
  'firewall-drops': { en: 'a firewall drops the packets on the way or on the broker host', id: 'firewall membuang paket di jalan atau di host broker' },
  'firewall-drops-client': { en: "a firewall on the broker host or on the way drops this client's packets (a rule for its address or subnet, fail2ban, a security group), while other clients get through", id: 'firewall di host broker atau di jalan membuang paket client ini (aturan untuk alamat atau subnet-nya, fail2ban, security group), sementara client lain bisa lewat' },
  'host-down': { en: 'the broker host is down or not on this network', id: 'host broker mati atau tidak berada di jaringan ini' },
  'broker-stopped': { en: 'the broker was stopped or crashed (docker compose stop/restart, systemctl stop, out of memory)', id: 'broker dihentikan atau crash (docker compose stop/restart, systemctl stop, kehabisan memori)' },
  'broker-restarted': { en: 'the broker was restarted (docker compose restart, systemctl restart, a configuration change) or crashed and was started again by its restart policy', id: 'broker di-restart (docker compose restart, systemctl restart, perubahan konfigurasi) atau crash lalu dijalankan lagi oleh restart policy-nya' },
  'lost-while-down': { en: 'messages published while the broker was down were lost, and a broker without persistence forgets subscriptions and retained messages on restart', id: 'pesan yang di-publish selama broker mati hilang, dan broker tanpa persistence melupakan subscription dan pesan retained saat restart' },
  'no-resubscribe': { en: 'a subscriber that subscribes only once at start-up: after an automatic reconnect to a restarted broker it has no subscription any more', id: 'subscriber yang hanya subscribe sekali saat mulai: setelah reconnect otomatis ke broker yang di-restart, subscription-nya sudah tidak ada' },
  'bad-credentials': { en: 'a wrong user name or password (Mosquitto 2.x answers "not authorized" for both)', id: 'user name atau password salah (Mosquitto 2.x menjawab "not authorized" untuk keduanya)' },
  'anonymous-not-allowed': { en: 'the broker does not allow anonymous clients (Mosquitto 2.x: allow_anonymous defaults to false)', id: 'broker tidak mengizinkan client anonim (Mosquitto 2.x: allow_anonymous bawaannya false)' },
  'acl-denies': { en: 'an ACL or auth plugin denies this client', id: 'ACL atau plugin autentikasi menolak client ini' },
  'protocol-version': { en: 'the broker does not support the MQTT version the client asked for', id: 'broker tidak mendukung versi MQTT yang diminta client' },
  'client-id-rejected': { en: 'the client id is empty with clean session off, too long, or has characters the broker rejects', id: 'client id kosong dengan clean session mati, terlalu panjang, atau berisi karakter yang ditolak broker' },
  'server-unavailable': { en: 'the broker is overloaded, shutting down, or redirects clients elsewhere', id: 'broker kelebihan beban, sedang dimatikan, atau mengarahkan client ke server lain' },
  'packet-too-large': { en: 'the message is bigger than the broker allows (mosquitto: `max_packet_size`, or `message_size_limit`; an MQTT 5 broker gives its limit as Maximum Packet Size in the CONNACK, which paho does not check)', id: 'pesan lebih besar daripada yang diizinkan broker (mosquitto: `max_packet_size`, atau `message_size_limit`; broker MQTT 5 memberi batasnya sebagai Maximum Packet Size di CONNACK, yang tidak diperiksa paho)' },
  'quota-exceeded': { en: 'the client went over a quota of the broker (mosquitto: `max_queued_messages`, `max_queued_bytes`, or a plugin\'s limit)', id: 'client melewati kuota broker (mosquitto: `max_queued_messages`, `max_queued_bytes`, atau batas sebuah plugin)' },
  'receive-maximum-exceeded': { en: 'the client sent more QoS 1/2 messages at once than the Receive Maximum the broker gave in its CONNACK (mosquitto: `max_inflight_messages`)', id: 'client mengirim lebih banyak pesan QoS 1/2 sekaligus daripada Receive Maximum yang diberikan broker di CONNACK-nya (mosquitto: `max_inflight_messages`)' },
  'auth-method': { en: "the client asked for an MQTT 5 enhanced authentication method (the CONNECT's Authentication Method, e.g. SCRAM) that the broker does not offer (Mosquitto offers one only through an auth plugin)", id: 'client meminta metode autentikasi MQTT 5 (Authentication Method di CONNECT, misalnya SCRAM) yang tidak disediakan broker (Mosquitto hanya menyediakannya lewat plugin autentikasi)' },
  'broker-limit': { en: 'a broker limit (packet size, quota, rate, banned client)', id: 'batas broker (ukuran paket, kuota, laju, client diblokir)' },
  'connection-limit': { en: "the broker's connection limit is reached: Mosquitto's `max_connections` (per listener) or a limit of the broker or its licence; each client past it is closed at once", id: 'batas jumlah koneksi broker sudah tercapai: `max_connections` Mosquitto (per listener) atau batas broker atau lisensinya; setiap client di atas batas itu langsung ditutup' },
  'connection-leak': { en: 'clients that keep their old connections open (a program that connects again without closing, one connection per message) use up the limit', id: 'client yang membiarkan koneksi lamanya terbuka (program yang connect lagi tanpa menutup, satu koneksi per pesan) menghabiskan batas itu' },
  'malformed-connect': { en: 'a malformed CONNECT or an unsupported protocol level: the broker closes without answering', id: 'CONNECT yang rusak atau level protokol yang tidak didukung: broker menutup koneksi tanpa menjawab' },
  'plain-client-on-tls-port': { en: 'a client without TLS was pointed at the broker\'s TLS listener (8883 by convention): its CONNECT goes in clear, which the TLS layer reads as a bad TLS record (mosquitto resets the connection)', id: 'client tanpa TLS diarahkan ke listener TLS broker (lazimnya 8883): CONNECT-nya terkirim tanpa enkripsi, yang dibaca lapisan TLS sebagai record TLS yang rusak (mosquitto mereset koneksinya)' },
  'tls-client': { en: 'a client configured for TLS (mqtts://, mosquitto_pub --cafile, paho tls_set()) was pointed at the plain MQTT port: it sends a TLS ClientHello, which the broker reads as a malformed CONNECT and closes on', id: 'client yang diatur untuk TLS (mqtts://, mosquitto_pub --cafile, paho tls_set()) diarahkan ke port MQTT biasa: ia mengirim TLS ClientHello, yang dibaca broker sebagai CONNECT rusak lalu koneksinya ditutup' },
  'http-client': { en: 'an HTTP client (a web browser, curl, a REST library) was pointed at the MQTT port: MQTT is not HTTP, and a browser needs the broker\'s WebSocket listener (ws://, e.g. port 9001)', id: 'client HTTP (browser, curl, library REST) diarahkan ke port MQTT: MQTT bukan HTTP, dan browser memerlukan listener WebSocket broker (ws://, misalnya port 9001)' },
  'not-mqtt-client': { en: 'a program that does not speak MQTT connected to the MQTT port (a web browser or HTTP client, a health check or port scanner, an app set to the wrong protocol or port)', id: 'program yang tidak berbicara MQTT terhubung ke port MQTT (browser atau client HTTP, health check atau port scanner, aplikasi yang diatur dengan protokol atau port yang salah)' },
  'skipped-connect': { en: 'a hand-written client sends PUBLISH or SUBSCRIBE without a CONNECT first (the first packet must be CONNECT, or the broker closes the connection)', id: 'client buatan sendiri mengirim PUBLISH atau SUBSCRIBE tanpa CONNECT lebih dulu (paket pertama wajib CONNECT, jika tidak broker menutup koneksi)' },
  'password-guessing': { en: 'someone is guessing the password (a brute-force tool, a script trying a word list): each attempt is a new connection with another password', id: 'seseorang sedang menebak password (alat brute force, skrip yang mencoba daftar kata): setiap percobaan adalah koneksi baru dengan password lain' },
  'password-guessed': { en: 'someone guessed the password (a brute-force tool, a script trying a word list) and got in with it: the last login used the same user name', id: 'seseorang berhasil menebak password (alat brute force, skrip yang mencoba daftar kata) dan masuk dengannya: login terakhir memakai user name yang sama' },
  'retry-loop': { en: 'a program that retries at once, in a loop, with a wrong password (a service restarted over and over, a reconnect without delay)', id: 'program yang langsung mencoba lagi, berulang-ulang, dengan password yang salah (service yang terus di-restart, reconnect tanpa jeda)' },
  'connection-flood-tcp': { en: 'a connection flood: one host opening many TCP connections to the broker and holding them without a word (a slowloris-like denial-of-service tool, a load test gone wrong); each holds a socket of the broker until its timeout', id: 'banjir koneksi: satu host membuka banyak koneksi TCP ke broker dan menahannya tanpa mengirim apa pun (alat serangan DoS mirip slowloris, uji beban yang salah); setiap koneksi menahan satu socket broker sampai batas waktunya' },
  'server-first-client': { en: 'a program that waits for the server to speak first (an SSH, SMTP or database client, a banner grabber) was pointed at the MQTT port: an MQTT broker waits for the CONNECT', id: 'program yang menunggu server berbicara lebih dulu (client SSH, SMTP atau database, banner grabber) diarahkan ke port MQTT: broker MQTT menunggu CONNECT' },
  'connection-flood': { en: 'a connection flood: one host opening many MQTT sessions, each under a new client id, that do nothing (a load or denial-of-service tool, a botnet, a test script); each holds a connection and memory of the broker', id: 'banjir koneksi: satu host membuka banyak sesi MQTT, masing-masing dengan client id baru, yang tidak melakukan apa-apa (alat uji beban atau serangan DoS, botnet, skrip uji); setiap sesi memakan satu koneksi dan memori broker' },
  'port-scan': { en: 'a port scanner (nmap, masscan, a vulnerability scanner) probing the host for open services', id: 'port scanner (nmap, masscan, vulnerability scanner) yang mencari layanan yang terbuka di host itu' },
  'security-audit': { en: 'a planned security check or monitoring probe from that host', id: 'pemeriksaan keamanan terjadwal atau probe monitoring dari host itu' },
  'not-mqtt-server': { en: 'the server on that port is not an MQTT broker', id: 'server di port itu bukan broker MQTT' },
  'sys-topic': { en: 'the topic begins with $SYS/, the broker\'s own statistics: a broker takes no client\'s message there (Mosquitto logs "Denied PUBLISH" and drops it; to a QoS 1 or 2 one, MQTT 5, it answers 0x87 not authorized), so even a subscriber to it gets nothing', id: 'topiknya diawali $SYS/, statistik milik broker sendiri: broker tidak menerima pesan dari client di sana (Mosquitto mencatat "Denied PUBLISH" lalu membuangnya; untuk pesan QoS 1 atau 2 di MQTT 5 ia menjawab 0x87 not authorized), sehingga subscriber topik itu pun tidak menerima apa-apa' },
  'topic-typo': { en: 'the topic was typed differently in the subscriber and the publisher', id: 'topik ditulis berbeda di subscriber dan publisher' },
  'expired-behind-receive-maximum': { en: 'the subscriber (MQTT 5) allows only a few unacknowledged QoS 1/2 messages at a time (Receive Maximum) and acknowledges them slowly, while the messages carry a Message Expiry Interval shorter than that wait: the broker queues the rest for it and drops those that expire before their turn', id: 'subscriber (MQTT 5) hanya mengizinkan sedikit pesan QoS 1/2 yang belum diakui sekaligus (`Receive Maximum`) dan lambat mengakuinya, sedangkan pesan membawa `Message Expiry Interval` yang lebih pendek daripada waktu tunggu itu: broker mengantrekan sisanya untuknya dan membuang yang kedaluwarsa sebelum gilirannya' },
  'message-expired': { en: 'the message carried a Message Expiry Interval (MQTT 5) shorter than the time its persistent subscriber stayed away: the broker kept the session and queued the message, then dropped it when the interval ran out, before the subscriber came back', id: 'pesan membawa `Message Expiry Interval` (MQTT 5) yang lebih pendek daripada lamanya subscriber persisten terputus: broker menyimpan sesi dan mengantrekan pesan itu, lalu membuangnya ketika interval habis, sebelum subscriber terhubung kembali' },
  'no-local-own-messages': { en: 'the only subscription matching the topic was the publisher\'s own, made with No Local (MQTT 5): the broker never sends a client its own messages back, and no other client had subscribed', id: 'satu-satunya subscription yang cocok dengan topik itu adalah milik publisher sendiri, dibuat dengan `No Local` (MQTT 5): broker tidak pernah mengirim balik pesan milik client itu sendiri, dan tidak ada client lain yang subscribe' },
  'session-expired': { en: 'the subscriber\'s persistent session ended while it was away (MQTT 5: its Session Expiry Interval ran out, or was 0; mosquitto: `persistent_client_expiration`), and the messages queued for it were dropped with the session', id: 'sesi persisten subscriber berakhir selama ia terputus (MQTT 5: Session Expiry Interval-nya habis, atau 0; mosquitto: `persistent_client_expiration`), dan pesan yang diantrekan untuknya ikut dibuang bersama sesi itu' },
  'other-broker': { en: 'the publisher and the subscriber are connected to different brokers (another address or port in one of them): each broker delivers only what is published to it, unless the two are bridged', id: 'publisher dan subscriber terhubung ke broker yang berbeda (alamat atau port lain di salah satunya): setiap broker hanya meneruskan yang di-publish kepadanya, kecuali kedua broker di-bridge' },
  'subscriber-unsubscribed': { en: 'the subscriber unsubscribed from the topic (UNSUBSCRIBE): from its UNSUBACK on, the broker sends it nothing more on that filter, and no other client was subscribed', id: 'subscriber melakukan unsubscribe dari topik itu (UNSUBSCRIBE): sejak UNSUBACK-nya, broker tidak lagi mengirim apa pun lewat filter itu kepadanya, dan tidak ada client lain yang subscribe' },
  'subscriber-taken-over': { en: 'the subscriber was pushed off the broker: another client (often the publisher, its script copied from the subscriber\'s) connected with the same client id, and the broker closes the older connection of a client id; messages published before the subscriber reconnects and subscribes again reach no one', id: 'subscriber terlempar dari broker: client lain (sering kali publisher, yang skripnya disalin dari skrip subscriber) terhubung dengan client id yang sama, dan broker menutup koneksi lama dari client id itu; pesan yang di-publish sebelum subscriber terhubung dan subscribe lagi tidak sampai ke siapa pun' },
  'no-subscriber': { en: 'no subscriber was connected and subscribed when the messages were published', id: 'tidak ada subscriber yang terhubung dan ber-subscribe saat pesan di-publish' },
  'subscriber-started-late': { en: 'the subscriber was started after the publisher; MQTT does not keep non-retained messages for new subscribers', id: 'subscriber dijalankan setelah publisher; MQTT tidak menyimpan pesan non-retained untuk subscriber baru' },
  'client-loop-stopped': { en: "the client's network loop stopped (e.g. paho loop_start() never called, or the program blocked)", id: 'loop jaringan client berhenti (misalnya paho loop_start() tidak dipanggil, atau program macet)' },
  'path-cut': { en: 'the path between the two was cut while both were up: a firewall rule added on the way (a DROP), a NAT, VPN or load balancer that lost the connection, a link down between them', id: 'jalur di antara keduanya terputus padahal keduanya menyala: aturan firewall yang ditambahkan di jalan (DROP), NAT, VPN atau load balancer yang kehilangan koneksinya, link yang mati di antara mereka' },
  'path-blocked': { en: 'something between the client and the broker began dropping the client\'s packets (a firewall rule added, a NAT or load balancer that lost the connection, a broken link on the way): the client sent, the broker never received', id: 'sesuatu di antara client dan broker mulai membuang paket client (aturan firewall yang ditambahkan, NAT atau load balancer yang kehilangan koneksinya, link yang putus di jalan): client mengirim, broker tidak pernah menerima' },
  'client-network-lost': { en: "the client's host lost its network (Wi-Fi out of range, a cable pulled, the device switched off or crashed): the broker heard nothing more and dropped it", id: 'host client kehilangan jaringannya (Wi-Fi di luar jangkauan, kabel tercabut, perangkat dimatikan atau crash): broker tidak mendengar apa pun lagi lalu memutusnya' },
  'keepalive-too-short': { en: 'a keep-alive shorter than the gaps between the client\'s messages', id: 'keep-alive lebih pendek dari jeda antar pesan client' },
  'duplicate-client-id': { en: 'two clients (or two copies of one script) use the same client id', id: 'dua client (atau dua salinan satu skrip) memakai client id yang sama' },
  'auto-reconnect-fight': { en: 'both reconnect automatically, so they keep taking the id from each other', id: 'keduanya otomatis reconnect, sehingga terus saling mengambil id' },
  'receiver-not-acking': { en: 'the receiving program does not send PUBACK/PUBREC (a hand-written client, or one that stopped)', id: 'program penerima tidak mengirim PUBACK/PUBREC (client buatan sendiri, atau client yang berhenti)' },
  'connection-dropped': { en: 'the connection dropped before the acknowledgement', id: 'koneksi terputus sebelum acknowledgement' },
  'client-bug': { en: 'a client that reuses packet ids too early (a bug)', id: 'client yang memakai ulang packet id terlalu cepat (bug)' },
  'acl-or-invalid-filter': { en: 'an ACL forbids the topic, or the filter is invalid (a # not at the end, + inside a level)', id: 'ACL melarang topik itu, atau filter tidak valid (# tidak di akhir, + di tengah level)' },
  'invalid-filter': { en: 'the topic filter is invalid, and a broker closes the connection of a client that sends one; paho and mosquitto_sub refuse such a filter before sending it, but Arduino PubSubClient and hand-written clients send it', id: 'topic filter tidak valid, dan broker menutup koneksi client yang mengirimnya; paho dan mosquitto_sub menolak filter seperti itu sebelum dikirim, tetapi Arduino PubSubClient dan client buatan sendiri tetap mengirimnya' },
  'acl-denies-publish': { en: 'the broker\'s ACL (acl_file or an auth plugin) does not let this client publish to the topic: MQTT 3.1.1 has no way to say so, the broker acknowledges the message and drops it; MQTT 5 answers with reason 0x87 (not authorized)', id: 'ACL broker (acl_file atau plugin autentikasi) tidak mengizinkan client ini publish ke topik itu: MQTT 3.1.1 tidak bisa memberitahukannya, broker mengakui pesan lalu membuangnya; MQTT 5 menjawab dengan reason 0x87 (not authorized)' },
  'size-limit-dropped': { en: 'the messages are bigger than the broker allows (mosquitto: `message_size_limit` or `max_packet_size`), as the broker said of another message in the capture (0x95 packet too large): MQTT 3.1.1 has no way to say so, mosquitto drops such a message silently at QoS 0, and acknowledges it (PUBACK) and drops it at QoS 1', id: 'pesan lebih besar daripada yang diizinkan broker (mosquitto: `message_size_limit` atau `max_packet_size`), seperti yang dikatakan broker tentang pesan lain dalam capture (0x95 packet too large): MQTT 3.1.1 tidak bisa memberitahukannya, mosquitto membuang pesan seperti itu diam-diam pada QoS 0, dan mengakuinya (PUBACK) lalu membuangnya pada QoS 1' },
  'subscriber-max-packet-size': { en: 'the subscriber (MQTT 5) set a Maximum Packet Size in its CONNECT smaller than these messages: the broker must not send it a bigger packet, so it drops the message for that subscriber alone and tells no one (mosquitto logs "Dropping too large outgoing PUBLISH"); the publisher\'s PUBACK still says success', id: 'subscriber (MQTT 5) menetapkan Maximum Packet Size di CONNECT-nya yang lebih kecil daripada pesan-pesan ini: broker tidak boleh mengirim paket yang lebih besar kepadanya, jadi pesan itu dibuang khusus untuk subscriber tersebut tanpa memberi tahu siapa pun (log mosquitto: "Dropping too large outgoing PUBLISH"); PUBACK ke publisher tetap menyatakan sukses' },
  'topic-alias-over-maximum': { en: 'the client used Topic Alias {topicAlias}, but the broker\'s CONNACK allowed aliases up to {topicAliasMaximum} only (Topic Alias Maximum; mosquitto: `max_topic_alias`, 10 by default): a client must not use a larger one, and paho does not check it', id: 'client memakai Topic Alias {topicAlias}, padahal CONNACK broker hanya mengizinkan alias sampai {topicAliasMaximum} (Topic Alias Maximum; mosquitto: `max_topic_alias`, bawaannya 10): client tidak boleh memakai alias yang lebih besar, dan paho tidak memeriksanya' },
  'topic-alias-not-allowed': { en: 'the client used Topic Alias {topicAlias}, but the broker\'s CONNACK allowed no topic alias at all (no Topic Alias Maximum, or 0; mosquitto: `max_topic_alias 0`), and paho does not check it', id: 'client memakai Topic Alias {topicAlias}, padahal CONNACK broker sama sekali tidak mengizinkan topic alias (tanpa Topic Alias Maximum, atau 0; mosquitto: `max_topic_alias 0`), dan paho tidak memeriksanya' },
  'retain-not-available': { en: 'the client published a retained message, but the broker\'s CONNACK said Retain Available 0: this broker keeps no retained messages (mosquitto: `retain_available false`) and disconnects an MQTT 5 client that sends one; paho does not check it (mosquitto_pub clears the retain flag by itself)', id: 'client mem-publish pesan retained, padahal CONNACK broker menyatakan Retain Available 0: broker ini tidak menyimpan pesan retained (mosquitto: `retain_available false`) dan memutus client MQTT 5 yang mengirimnya; paho tidak memeriksanya (mosquitto_pub menghapus flag retain dengan sendirinya)' },
  'qos-over-maximum': { en: 'the client published at QoS {qos}, above the Maximum QoS {maximumQos} of the broker\'s CONNACK (mosquitto: `max_qos` on the listener): an MQTT 5 broker disconnects such a client; paho does not check it (mosquitto_pub refuses to send it)', id: 'client mem-publish dengan QoS {qos}, di atas Maximum QoS {maximumQos} pada CONNACK broker (mosquitto: `max_qos` di listener): broker MQTT 5 memutus client seperti itu; paho tidak memeriksanya (mosquitto_pub menolak mengirimnya)' },
  'unsubscribe-filter-differs': { en: 'UNSUBSCRIBE must name a filter exactly as it was subscribed, character by character (case, slashes, spaces, wildcards): a different filter, even one for the same topics, removes nothing, and the client keeps receiving', id: 'UNSUBSCRIBE harus menyebut filter persis seperti saat subscribe, karakter demi karakter (huruf besar/kecil, garis miring, spasi, wildcard): filter yang berbeda, meski untuk topik yang sama, tidak menghapus apa pun, dan client tetap menerima pesan' },
  'unsubscribe-not-subscribed': { en: 'the client unsubscribed from a filter it had not subscribed to (its session holds no such subscription): harmless, but the program may not do what its author thinks', id: 'client melakukan unsubscribe dari filter yang tidak pernah di-subscribe-nya (sesinya tidak memiliki subscription itu): tidak berbahaya, tetapi programnya mungkin tidak melakukan yang dimaksud penulisnya' },
  'broker-dropped': { en: 'the broker dropped the messages for another reason (a full queue of the subscriber, a message too large for it)', id: 'broker membuang pesan karena alasan lain (antrean subscriber penuh, pesan terlalu besar untuknya)' },
  'invalid-topic': { en: 'the topic name is invalid (wildcards or an empty topic in a PUBLISH)', id: 'nama topik tidak valid (wildcard atau topik kosong dalam PUBLISH)' },
  'broker-max-qos': { en: 'the broker (or its configuration) supports a lower maximum QoS', id: 'broker (atau konfigurasinya) hanya mendukung QoS maksimum yang lebih rendah' },
  'peer-gone': { en: 'the other side went away: its host powered off or crashed, its network or container disconnected (`docker network disconnect`, a cable, Wi-Fi), or a firewall began dropping its packets', id: 'pihak seberang hilang: host-nya mati atau crash, jaringan atau container-nya terputus (`docker network disconnect`, kabel, Wi-Fi), atau firewall mulai membuang paketnya' },
  'broker-stalled': { en: 'the broker program stalled: an overloaded CPU, a slow disk (persistence), a plugin, bridge or auth backend that blocks it, or the process paused (a debugger, SIGSTOP, a VM or container frozen)', id: 'program broker macet: CPU terlalu sibuk, disk lambat (persistence), plugin, bridge atau backend autentikasi yang memblokirnya, atau prosesnya dihentikan sementara (debugger, SIGSTOP, VM atau container yang dibekukan)' },
  'corrupted-in-transit': { en: 'a link corrupts packets on the way: a damaged or loose cable or connector, a faulty network card, switch port or driver, Wi-Fi interference; the receiver drops a segment whose checksum is wrong, and the sender retransmits it', id: 'sebuah link merusak paket di perjalanan: kabel atau konektor rusak atau longgar, kartu jaringan, port switch atau driver yang bermasalah, interferensi Wi-Fi; penerima membuang segmen yang checksum-nya salah, dan pengirim mengirimnya ulang' },
  'packet-loss': { en: 'packets were lost on the network (congested or lossy link, Wi-Fi)', id: 'paket hilang di jaringan (link padat atau tidak stabil, Wi-Fi)' },
  'reader-paused': { en: 'the receiving program was paused or blocked: stopped in a debugger or by SIGSTOP/Ctrl-Z, a laptop or VM suspended, a container frozen, or its message handler waiting on something (a lock, a slow call)', id: 'program penerima terhenti atau macet: dihentikan di debugger atau dengan SIGSTOP/Ctrl-Z, laptop atau VM di-suspend, container dibekukan, atau handler pesannya menunggu sesuatu (lock, pemanggilan yang lambat)' },
  'slow-reader': { en: 'the receiving program is busy or blocked and does not read its socket', id: 'program penerima sibuk atau macet dan tidak membaca socket-nya' },
  'payload-not-utf8': { en: 'the publisher wrote the payload in another encoding than UTF-8 (the degree sign \'°\' as the one Latin-1 byte 0xb0, from a Latin-1/Windows-1252 terminal or file, or Arduino code) and the subscriber decodes it as UTF-8: Python\'s `msg.payload.decode()` raises UnicodeDecodeError, and paho 1.x lets an error in `on_message` end `loop_forever()` and the script', id: 'publisher menulis payload dengan encoding selain UTF-8 (tanda derajat \'°\' sebagai satu byte Latin-1, 0xb0, dari terminal atau file Latin-1/Windows-1252, atau kode Arduino), sedangkan subscriber men-decode-nya sebagai UTF-8: `msg.payload.decode()` di Python memunculkan UnicodeDecodeError, dan paho 1.x membiarkan error di `on_message` menghentikan `loop_forever()` beserta skripnya' },
  'on-message-error': { en: 'another error in the subscriber\'s `on_message` while handling that message (reading it as JSON or as a number, for instance)', id: 'error lain di `on_message` subscriber saat memproses pesan itu (misalnya saat membacanya sebagai JSON atau angka)' },
  'script-ended-early': { en: 'the program ended right after calling `publish()` (or `subscribe()`): paho sends from its `loop_start()` thread, which stops with the program before it sends anything; the kernel then resets the connection, as the CONNACK was never read', id: 'program berakhir tepat setelah memanggil `publish()` (atau `subscribe()`): paho mengirim dari thread `loop_start()`, yang ikut berhenti bersama program sebelum sempat mengirim apa pun; lalu kernel mereset koneksinya karena CONNACK tidak pernah dibaca' },
  'long-round-trip': { en: 'a slow network path to the broker (a satellite, mobile or congested link, a VPN, a far-away broker): the client\'s TCP waits 1 s for the SYN-ACK before sending the SYN again (the initial retransmission timeout, RFC 6298), less than this round trip, so each new connection resends its SYN; harmless, but every request waits as long', id: 'jalur jaringan ke broker yang lambat (satelit, seluler atau link yang padat, VPN, broker yang jauh): TCP client menunggu SYN-ACK selama 1 detik sebelum mengirim ulang SYN (batas waktu pengiriman ulang awal, RFC 6298), lebih singkat daripada round trip ini, sehingga setiap koneksi baru mengirim ulang SYN-nya; tidak berbahaya, tetapi setiap permintaan menunggu selama itu' },
  'capture-away-from-broker': { en: 'the capture was made on the clients\' side of a long path (a laptop on Wi-Fi or a mobile link, a broker far away): a PUBLISH is seen leaving before it reaches the broker, and the broker\'s copy only after it crossed the path back, so the delay between them holds the round trip', id: 'capture diambil di sisi client dari jalur yang panjang (laptop di Wi-Fi atau jaringan seluler, broker yang jauh): PUBLISH terlihat keluar sebelum sampai ke broker, dan salinan dari broker baru terlihat setelah melewati jalur kembali, sehingga jeda di antaranya berisi round trip itu' },
  'program-stopped-after-connect': { en: 'the client program stopped after connecting and before its first message: an error in the script before `publish()` or `subscribe()` (a Python traceback), an `exit()`, or a crash; paho\'s network thread had already read the CONNACK, so the socket closed normally (FIN)', id: 'program client berhenti setelah terhubung dan sebelum pesan pertamanya: error di skrip sebelum `publish()` atau `subscribe()` (traceback Python), `exit()`, atau crash; thread jaringan paho sudah membaca CONNACK, jadi socket ditutup dengan normal (FIN)' },
  'connect-check': { en: 'a tool that only checks that it can connect (a health check or port probe), which is harmless', id: 'alat yang hanya memeriksa apakah bisa terhubung (health check atau pemeriksaan port), yang tidak berbahaya' },
  'peer-aborted': { en: 'a program was killed or a connection aborted (RST instead of a clean DISCONNECT)', id: 'program dihentikan paksa atau koneksi dibatalkan (RST, bukan DISCONNECT yang rapi)' },
  'fin-ack-crossed': { en: 'the FIN and its ACK crossed at teardown, so the FIN was sent again', id: 'FIN dan ACK-nya bersilangan saat penutupan, sehingga FIN dikirim lagi' },
  'broker-name-typo': { en: 'a typo in the broker host name the client uses (e.g. mqtt-brokr for mqtt-broker)', id: 'salah ketik nama host broker yang dipakai client (misalnya mqtt-brokr untuk mqtt-broker)' },
  'service-name-differs': { en: 'the broker\'s container or service has another name than the one the client uses (`docker compose ps` lists them)', id: 'container atau service broker punya nama lain dari yang dipakai client (`docker compose ps` menampilkannya)' },
  'default-bridge-no-dns': { en: 'containers on Docker\'s default bridge network cannot resolve each other by name; on a user-defined network (what docker compose creates) they can', id: 'container di network bridge bawaan Docker tidak bisa saling menemukan lewat nama; di network buatan sendiri (yang dibuat docker compose) bisa' },
  'dns-server-silent': { en: 'no DNS server answers at the address in the client\'s resolv.conf', id: 'tidak ada server DNS yang menjawab di alamat yang ada di resolv.conf client' },
  'wrong-interface': { en: 'the capture ran on the wrong interface (with Docker: the host interface instead of the bridge br-…)', id: 'capture dijalankan di interface yang salah (dengan Docker: interface host, bukan bridge br-…)' },
  'capture-filter': { en: 'a capture filter excluded the MQTT traffic', id: 'capture filter membuang lalu lintas MQTT' },
  'no-traffic-yet': { en: 'the clients did not run while capturing', id: 'client tidak berjalan selama capture' },
  'asymmetric-capture': { en: 'the capture point sees one direction only (a filter on src/dst, asymmetric routing, a mirror port of one direction)', id: 'titik capture hanya melihat satu arah (filter src/dst, routing asimetris, port mirror satu arah)' },
  'capture-started-late': { en: 'tcpdump was started after the clients connected', id: 'tcpdump dijalankan setelah client terhubung' },
  'snaplen-headers-only': { en: 'the capture was made with a tiny snapshot length (e.g. `tcpdump -s 54`, `-s 64`), which keeps the Ethernet, IP and TCP headers and cuts every byte after them: the MQTT packets were on the wire but not captured', id: 'capture dibuat dengan snapshot length yang sangat kecil (misalnya `tcpdump -s 54`, `-s 64`), yang hanya menyimpan header Ethernet, IP dan TCP dan membuang semua byte sesudahnya: paket MQTT ada di jaringan tetapi tidak terekam' },
  'small-snaplen': { en: 'tcpdump ran with a small -s (snapshot length)', id: 'tcpdump dijalankan dengan -s (snapshot length) kecil' },
  'capture-any': { en: 'tcpdump -i any sees each bridged packet on two interfaces', id: 'tcpdump -i any melihat setiap paket bridge di dua interface' },
  'bridge-promiscuous': { en: 'the bridge device itself is in promiscuous mode (another capture on it, or a tool that set it), so it receives a third copy of each packet it forwards', id: 'perangkat bridge itu sendiri dalam mode promiscuous (ada capture lain di sana, atau alat yang mengaturnya), sehingga ia menerima salinan ketiga dari setiap paket yang diteruskannya' },
  'custom-port': { en: 'the broker is configured with a listener on a non-standard port', id: 'broker dikonfigurasi dengan listener di port non-standar' },
  'websocket-listener': { en: 'the broker has a WebSocket listener (browsers, paho transport="websockets")', id: 'broker memiliki listener WebSocket (browser, paho transport="websockets")' },
  'tls-no-client-cert': { en: 'the broker\'s TLS listener requires a client certificate (mosquitto: require_certificate true) and the client has none configured', id: 'listener TLS broker mewajibkan sertifikat client (mosquitto: require_certificate true) dan client tidak diberi sertifikat' },
  'tls-no-common-cipher': { en: 'the client and the broker accept no cipher suite in common (a client or broker limited to old or to few suites)', id: 'client dan broker tidak punya cipher suite yang sama-sama diterima (client atau broker yang dibatasi ke suite lama atau sedikit)' },
  'tls-server-cert-untrusted': { en: 'the client was given another CA than the one that signed the broker\'s certificate (--cafile, paho tls_set(ca_certs=...)), or the broker\'s certificate is expired or for another name', id: 'client diberi CA lain dari CA yang menandatangani sertifikat broker (--cafile, paho tls_set(ca_certs=...)), atau sertifikat broker kedaluwarsa atau untuk nama lain' },
  'tls-client-cert-untrusted': { en: 'the client\'s certificate is not signed by the CA the broker trusts (mosquitto: cafile under the listener), or it is expired', id: 'sertifikat client tidak ditandatangani CA yang dipercaya broker (mosquitto: cafile di bawah listener), atau sudah kedaluwarsa' },
  'tls-version-mismatch': { en: 'the client and the broker accept no TLS version in common (mosquitto 2 wants TLS 1.2 or 1.3; an old client offers TLS 1.0 or 1.1)', id: 'client dan broker tidak punya versi TLS yang sama-sama diterima (mosquitto 2 meminta TLS 1.2 atau 1.3; client lama menawarkan TLS 1.0 atau 1.1)' },
  'tls-settings-mismatch': { en: 'the client\'s and the broker\'s TLS settings do not fit (certificates, versions, cipher suites)', id: 'setelan TLS client dan broker tidak cocok (sertifikat, versi, cipher suite)' },
  'tls-listener': { en: 'the client connects to a TLS listener (8883 by convention)', id: 'client terhubung ke listener TLS (lazimnya 8883)' },
  'keylog-other-run': { en: 'the key log comes from another run, or from another client, than the connections captured (every TLS session has secrets of its own)', id: 'key log berasal dari percobaan lain, atau dari client lain, bukan dari koneksi yang tertangkap (setiap sesi TLS punya rahasianya sendiri)' },
  'keylog-not-written': { en: 'the client did not write its secrets: `SSLKEYLOGFILE` was not set for it, or its TLS library ignores it', id: 'client tidak menulis rahasianya: `SSLKEYLOGFILE` tidak diset untuknya, atau library TLS-nya mengabaikannya' },
  'publish-to-filter': { en: "the program publishes to a topic filter as if it were a topic: '+' and '#' only subscribe to many topics at once, and a message is published to one exact topic (sister/temp)", id: "program mem-publish ke topic filter seolah-olah itu topik: '+' dan '#' hanya untuk subscribe ke banyak topik sekaligus, sedangkan pesan di-publish ke satu topik yang persis (sister/temp)" },
  'broker-bug': { en: 'a bug in the broker, or a proxy or gateway between broker and client that rewrites MQTT packets', id: 'bug pada broker, atau proxy/gateway di antara broker dan client yang mengubah paket MQTT' },
  'unchecked-client': { en: 'a client that builds MQTT packets without checking them (a hand-written client, Arduino PubSubClient, an old or buggy library); paho and the mosquitto clients refuse such packets before sending them', id: 'client yang menyusun paket MQTT tanpa memeriksanya (client buatan sendiri, Arduino PubSubClient, library lama atau bermasalah); paho dan client mosquitto menolak paket seperti itu sebelum dikirim' },
  'alias-not-mapped': { en: 'the client kept its topic aliases across a reconnection (they belong to one network connection), or used an alias before sending it with its topic', id: 'client tetap memakai topic alias-nya setelah reconnect (alias hanya berlaku untuk satu koneksi jaringan), atau memakai alias sebelum mengirimnya bersama topiknya' },
  'connect-twice': { en: 'the program calls connect() again on a connection that is still up (a reconnect routine that does not close the old socket first, or two parts of the program that both connect)', id: 'program memanggil connect() lagi pada koneksi yang masih tersambung (rutin reconnect yang tidak menutup socket lama lebih dulu, atau dua bagian program yang sama-sama melakukan connect)' },
};

/** What to check, by key. */
export const CHECKS: Record<string, { en: string; id: string }> = {
  'broker-running': { en: 'is the broker running? (`docker compose ps`, `docker logs <broker>`, `systemctl status mosquitto`)', id: 'apakah broker berjalan? (`docker compose ps`, `docker logs <broker>`, `systemctl status mosquitto`)' },
  'listener-port': { en: 'the `listener` line in mosquitto.conf and the port the client uses (`ss -ltn` on the broker host)', id: 'baris `listener` di mosquitto.conf dan port yang dipakai client (`ss -ltn` di host broker)' },
  'broker-address': { en: 'the broker address the client uses (`docker inspect <broker>` for the container IP, or use the service name)', id: 'alamat broker yang dipakai client (`docker inspect <broker>` untuk IP container, atau pakai nama service)' },
  'firewall': { en: 'firewall rules on the broker host and in between (iptables/nftables, cloud security groups)', id: 'aturan firewall di host broker dan di antaranya (iptables/nftables, security group cloud)' },
  'broker-load': { en: "the broker host's load while it was slow: CPU and memory of the broker (`docker stats`, `top`), its disk, and what else runs there", id: 'beban host broker saat lambat: CPU dan memori broker (`docker stats`, `top`), disknya, dan apa lagi yang berjalan di sana' },
  'route-ping': { en: 'that the broker host answers at all (ARP in the capture, `ping`)', id: 'apakah host broker menjawab sama sekali (ARP di capture, `ping`)' },
  'broker-log-auth': { en: "the broker's log for the refused logins and the client address (mosquitto: \"Client … disconnected, not authorised.\" after each \"New connection from …\")", id: 'log broker untuk login yang ditolak dan alamat client-nya (mosquitto: "Client … disconnected, not authorised." setelah setiap "New connection from …")' },
  'change-password': { en: "change that user's password at once (`mosquitto_passwd`), and check in the timeline what the accepted client did with it (its PUBLISH and SUBSCRIBE)", id: 'segera ganti password user itu (`mosquitto_passwd`), dan periksa di linimasa apa yang dilakukan client yang diterima itu (PUBLISH dan SUBSCRIBE-nya)' },
  'limit-logins': { en: 'limit login attempts: a firewall rate limit on the MQTT port, fail2ban on the broker log, long random passwords or client certificates (TLS), and no plain listener open to untrusted networks', id: 'batasi percobaan login: rate limit firewall di port MQTT, fail2ban pada log broker, password acak yang panjang atau sertifikat client (TLS), dan tidak membuka listener biasa ke jaringan yang tidak tepercaya' },
  'which-client-program': { en: 'which program on that host opened these connections (`ss -tnp` there) and who runs it', id: 'program mana di host itu yang membuka koneksi-koneksi ini (`ss -tnp` di sana) dan siapa yang menjalankannya' },
  'limit-connections': { en: "limit what one host may open: a firewall connection limit on the MQTT port (`iptables connlimit`, `nftables ct count`), the broker's `max_connections`, a password on the listener (`allow_anonymous false`)", id: 'batasi apa yang boleh dibuka satu host: batas koneksi firewall di port MQTT (`iptables connlimit`, `nftables ct count`), `max_connections` broker, password di listener (`allow_anonymous false`)' },
  'scan-source': { en: 'what runs on the scanning host and who started it (a scheduled audit is fine; otherwise treat the host as compromised or the network as open to strangers)', id: 'apa yang berjalan di host pemindai dan siapa yang menjalankannya (audit terjadwal tidak apa-apa; jika bukan, anggap host itu disusupi atau jaringannya terbuka untuk orang asing)' },
  'scan-exposure': { en: 'which ports the scan found open on that host and whether each should be reachable from the scanning host (`ss -ltn` on it; a firewall for the rest); the MQTT listener should require a password or TLS if it is', id: 'port mana yang ditemukan terbuka oleh scan di host itu dan apakah masing-masing memang boleh dijangkau dari host pemindai (`ss -ltn` di host itu; firewall untuk sisanya); listener MQTT sebaiknya memakai password atau TLS jika demikian' },
  'broker-log': { en: "the broker's log around that time (`docker logs <broker>`, journalctl -u mosquitto)", id: 'log broker di sekitar waktu itu (`docker logs <broker>`, journalctl -u mosquitto)' },
  'restart-policy': { en: 'whether someone restarted the stack, and the container restart policy', id: 'apakah ada yang me-restart stack, dan restart policy container' },
  'subscribe-on-connect': { en: 'that every subscriber subscribes again after reconnecting (paho: call subscribe() in `on_connect`), and the SUBSCRIBE after each reconnect in the timeline', id: 'bahwa setiap subscriber subscribe lagi setelah reconnect (paho: panggil subscribe() di `on_connect`), dan SUBSCRIBE sesudah setiap reconnect di linimasa' },
  'auth-method': { en: "the Authentication Method in the client's CONNECT (the timeline's CONNECT properties) against the methods the broker's auth plugin offers; without enhanced authentication, leave it unset and use a user name and password", id: 'Authentication Method di CONNECT client (property CONNECT di linimasa) dibandingkan dengan metode yang disediakan plugin autentikasi broker; tanpa autentikasi lanjutan, kosongkan property itu dan pakai user name dan password' },
  'credentials': { en: 'user name and password in the client against the broker\'s password_file (`mosquitto_passwd`)', id: 'user name dan password di client dibandingkan dengan password_file broker (`mosquitto_passwd`)' },
  'allow-anonymous': { en: '`allow_anonymous` and `password_file` in mosquitto.conf', id: '`allow_anonymous` dan `password_file` di mosquitto.conf' },
  'acl-file': { en: 'the broker\'s `acl_file` or auth plugin', id: '`acl_file` atau plugin autentikasi broker' },
  'sys-topic': { en: 'the publisher\'s topic: publish the application\'s data under a topic of its own (sister/...), never under $SYS/; read $SYS/# only to watch the broker', id: 'topik publisher: publish data aplikasi di topik sendiri (sister/...), jangan di bawah $SYS/; baca $SYS/# hanya untuk memantau broker' },
  'protocol-version': { en: 'the MQTT version set in the client (paho: protocol=MQTTv311 or MQTTv5) and what the broker supports', id: 'versi MQTT yang diatur di client (paho: protocol=MQTTv311 atau MQTTv5) dan yang didukung broker' },
  'client-id': { en: 'the client id set in the client', id: 'client id yang diatur di client' },
  'broker-limits': { en: 'the broker\'s limits in `mosquitto.conf` (`max_packet_size`, `message_size_limit`, `max_inflight_messages`, `max_queued_messages`) against the size and rate of the messages; the CONNACK\'s Maximum Packet Size and Receive Maximum in the timeline', id: 'batas broker di `mosquitto.conf` (`max_packet_size`, `message_size_limit`, `max_inflight_messages`, `max_queued_messages`) dibandingkan dengan ukuran dan laju pesan; Maximum Packet Size dan Receive Maximum di CONNACK pada linimasa' },
  'tls-on': { en: 'the client\'s TLS setting against the port: for 8883 turn TLS on (paho: client.tls_set(ca_certs=...); mosquitto_pub --cafile; an mqtts:// URL), or use the broker\'s plain listener (1883); `listener` lines in mosquitto.conf say which port has TLS (a `certfile` under it)', id: 'setelan TLS client dibandingkan dengan port-nya: untuk 8883 nyalakan TLS (paho: client.tls_set(ca_certs=...); mosquitto_pub --cafile; URL mqtts://), atau pakai listener biasa broker (1883); baris `listener` di mosquitto.conf menunjukkan port mana yang ber-TLS (ada `certfile` di bawahnya)' },
  'tls-port': { en: 'the port against the client\'s TLS setting: use the broker\'s TLS listener (8883 by convention) with TLS, or turn TLS off in the client (no --cafile, no tls_set()) for the plain port 1883; `listener` lines in mosquitto.conf say which port has TLS (a `certfile` under it)', id: 'port dibandingkan dengan setelan TLS client: pakai listener TLS broker (lazimnya 8883) dengan TLS, atau matikan TLS di client (tanpa --cafile, tanpa tls_set()) untuk port biasa 1883; baris `listener` di mosquitto.conf menunjukkan port mana yang ber-TLS (ada `certfile` di bawahnya)' },
  'connect-first': { en: 'the client\'s first packet in the timeline: an MQTT client sends CONNECT and waits for CONNACK before anything else (paho: client.connect() before publish() or subscribe())', id: 'paket pertama client di linimasa: client MQTT mengirim CONNECT dan menunggu CONNACK sebelum yang lain (paho: client.connect() sebelum publish() atau subscribe())' },
  'which-program': { en: 'which program opened the connection (its address and port; `ss -tnp` on that host) and that it speaks MQTT to this port (`mqtt://`, not `http://` or `ws://` on a plain MQTT listener)', id: 'program mana yang membuka koneksi itu (alamat dan port-nya; `ss -tnp` di host itu) dan bahwa ia berbicara MQTT ke port ini (`mqtt://`, bukan `http://` atau `ws://` ke listener MQTT biasa)' },
  'max-connections': { en: '`max_connections` in mosquitto.conf (it counts per listener) and how many clients are connected (`$SYS/broker/clients/connected`)', id: '`max_connections` di mosquitto.conf (dihitung per listener) dan berapa client yang sedang terhubung (`$SYS/broker/clients/connected`)' },
  'connect-packet': { en: 'the CONNECT in the timeline (protocol name and level, flags) and the broker log', id: 'CONNECT di linimasa (nama dan level protokol, flag) dan log broker' },
  'topic-spelling': { en: 'the topic string in sub.py and pub.py, character by character', id: 'string topik di sub.py dan pub.py, karakter demi karakter' },
  'receive-maximum-acks': { en: 'the subscriber\'s Receive Maximum (paho MQTT 5: the CONNECT property ReceiveMaximum) and how fast it acknowledges (PUBACK after handling each message; time its on_message), against the publishers\' Message Expiry Interval: raise either, or acknowledge sooner', id: '`Receive Maximum` subscriber (paho MQTT 5: properti CONNECT ReceiveMaximum) dan seberapa cepat ia mengakui pesan (PUBACK setelah menangani tiap pesan; ukur waktu `on_message`-nya), dibandingkan dengan `Message Expiry Interval` publisher: perbesar salah satunya, atau akui lebih cepat' },
  'message-expiry': { en: 'the Message Expiry Interval the publisher puts on its messages (paho MQTT 5: the PUBLISH property MessageExpiryInterval; `mosquitto_pub -D publish message-expiry-interval SECONDS`) against how long the subscriber may be away: raise it, or leave it out for messages that must wait', id: '`Message Expiry Interval` yang dipasang publisher pada pesannya (paho MQTT 5: properti PUBLISH MessageExpiryInterval; `mosquitto_pub -D publish message-expiry-interval DETIK`) dibandingkan dengan berapa lama subscriber bisa terputus: perbesar, atau jangan dipakai untuk pesan yang harus menunggu' },
  'no-local-option': { en: 'whether the publisher is meant to receive its own messages (then subscribe without No Local: paho SubscribeOptions(noLocal=False)) or another client is meant to subscribe to the topic and was not running', id: 'apakah publisher memang seharusnya menerima pesannya sendiri (kalau ya, subscribe tanpa `No Local`: paho SubscribeOptions(noLocal=False)) atau seharusnya ada client lain yang subscribe ke topik itu tetapi tidak berjalan' },
  'session-expiry': { en: 'the Session Expiry Interval in the subscriber\'s CONNECT (mosquitto_sub -x SECONDS; paho MQTT 5: the CONNECT property SessionExpiryInterval) against how long it stays away, and `persistent_client_expiration` in mosquitto.conf', id: 'Session Expiry Interval di CONNECT subscriber (mosquitto_sub -x DETIK; paho MQTT 5: properti CONNECT SessionExpiryInterval) dibandingkan dengan berapa lama ia terputus, dan `persistent_client_expiration` di mosquitto.conf' },
  'same-broker': { en: 'the broker address and port in pub.py and sub.py (or the clients\' config): both must name the same broker', id: 'alamat dan port broker di pub.py dan sub.py (atau konfigurasi client): keduanya harus menuju broker yang sama' },
  'subscriber-running': { en: 'that the subscriber was running and had subscribed before the publisher started', id: 'bahwa subscriber sudah berjalan dan sudah subscribe sebelum publisher mulai' },
  'capture-covers-subscribers': { en: 'whether subscribers connected before the capture started (their SUBSCRIBE is then not in it)', id: 'apakah ada subscriber yang terhubung sebelum capture dimulai (SUBSCRIBE-nya tidak ada di capture)' },
  'start-order': { en: 'start the subscriber first, or publish with retain=True so late subscribers get the last value', id: 'jalankan subscriber lebih dulu, atau publish dengan retain=True agar subscriber yang terlambat menerima nilai terakhir' },
  'client-max-packet-size': { en: 'the Maximum Packet Size in the subscriber\'s CONNECT (paho: the CONNECT property `MaximumPacketSize`; mosquitto_sub: `-D connect maximum-packet-size`; the buffer size of an embedded client library) against the size of the messages published: raise it, or publish smaller messages', id: 'Maximum Packet Size di CONNECT subscriber (paho: property CONNECT `MaximumPacketSize`; mosquitto_sub: `-D connect maximum-packet-size`; ukuran buffer library client embedded) dibandingkan dengan ukuran pesan yang di-publish: naikkan batasnya, atau publish pesan yang lebih kecil' },
  'connack-allowed': { en: 'the broker\'s CONNACK in the timeline: its Topic Alias Maximum, Retain Available and Maximum QoS say what the client may send', id: 'CONNACK broker di linimasa: Topic Alias Maximum, Retain Available, dan Maximum QoS-nya menyatakan apa yang boleh dikirim client' },
  'client-topic-alias': { en: 'the Topic Alias the client puts on its PUBLISH (paho: the PUBLISH property `TopicAlias`) against the broker\'s maximum; `max_topic_alias` in mosquitto.conf', id: 'Topic Alias yang dipasang client pada PUBLISH-nya (paho: property PUBLISH `TopicAlias`) dibandingkan dengan batas broker; `max_topic_alias` di mosquitto.conf' },
  'retain-flag': { en: 'the retain flag of the client\'s PUBLISH (paho: retain=False; mosquitto_pub without -r), or `retain_available` in mosquitto.conf', id: 'flag retain pada PUBLISH client (paho: retain=False; mosquitto_pub tanpa -r), atau `retain_available` di mosquitto.conf' },
  'publish-qos': { en: 'the QoS the client publishes at (paho: publish(..., qos=...)) against `max_qos` in mosquitto.conf', id: 'QoS yang dipakai client saat publish (paho: publish(..., qos=...)) dibandingkan dengan `max_qos` di mosquitto.conf' },
  'unsubscribe-filter': { en: 'the filter given to unsubscribe() against the one given to subscribe() (the SUBSCRIBE and UNSUBSCRIBE in the timeline)', id: 'filter yang diberikan ke unsubscribe() dibandingkan dengan yang diberikan ke subscribe() (SUBSCRIBE dan UNSUBSCRIBE di linimasa)' },
  'client-loop': { en: "the client's network loop (paho: loop_start()/loop_forever()) and whether the program hangs", id: 'loop jaringan client (paho: loop_start()/loop_forever()) dan apakah programnya macet' },
  'firewall-path': { en: 'the firewalls, NATs and links between the client and the broker (iptables/nftables rules, cloud security groups, a router\'s connection table): do the client\'s packets reach the broker host (`tcpdump` there)?', id: 'firewall, NAT, dan link di antara client dan broker (aturan iptables/nftables, security group cloud, tabel koneksi router): apakah paket client sampai ke host broker (`tcpdump` di sana)?' },
  'client-network': { en: "the client's host and its link: is it up and on the network (`ping` it, Wi-Fi signal, `ip link`)", id: 'host client dan link-nya: apakah menyala dan terhubung ke jaringan (`ping`, sinyal Wi-Fi, `ip link`)' },
  'keepalive-value': { en: 'the keep-alive value set in the client', id: 'nilai keep-alive yang diatur di client' },
  'unsubscribe-intended': { en: 'whether the subscriber meant to unsubscribe then (the unsubscribe() call in its code and what triggers it), or should subscribe again', id: 'apakah subscriber memang bermaksud unsubscribe saat itu (pemanggilan unsubscribe() di kodenya dan apa yang memicunya), atau seharusnya subscribe lagi' },
  'unique-client-id': { en: 'give every client its own client id (or leave it empty for a random one)', id: 'berikan setiap client id-nya sendiri (atau kosongkan agar dibuat acak)' },
  'running-copies': { en: 'whether the same script runs twice (two terminals, two containers)', id: 'apakah skrip yang sama berjalan dua kali (dua terminal, dua container)' },
  'receiver-acks': { en: 'that the receiving client acknowledges QoS 1/2 messages (its library does this unless it is stuck)', id: 'bahwa client penerima mengakui pesan QoS 1/2 (library-nya melakukannya kecuali macet)' },
  'qos-needed': { en: 'whether QoS 1/2 is needed, and the receiving client\'s health', id: 'apakah QoS 1/2 memang perlu, dan kondisi client penerima' },
  'client-library': { en: 'the client library version (packet id handling)', id: 'versi library client (penanganan packet id)' },
  'topic-acl': { en: 'the topic filter\'s syntax and the broker\'s ACL for this client', id: 'sintaks topic filter dan ACL broker untuk client ini' },
  'filter-syntax': { en: 'the filter\'s wildcards: \'#\' only as the whole last level (sister/#), \'+\' only as a whole level (sister/+/temp); without wildcards the filter is the topic itself (sister/temp)', id: 'wildcard pada filter: \'#\' hanya sebagai seluruh level terakhir (sister/#), \'+\' hanya sebagai satu level penuh (sister/+/temp); tanpa wildcard filter sama dengan topiknya (sister/temp)' },
  'broker-max-qos': { en: 'the broker\'s `max_qos` setting', id: 'pengaturan `max_qos` broker' },
  'link-errors': { en: 'the error counters of every link on the path: `ip -s link` (RX errors, CRC), `ethtool -S` on the network cards, the switch ports\' error counters; swap the cable or port that counts them', id: 'penghitung error setiap link di jalurnya: `ip -s link` (RX errors, CRC), `ethtool -S` pada kartu jaringan, penghitung error port switch; ganti kabel atau port yang mencatatnya' },
  'network-quality': { en: 'the network path: interface errors (`ip -s link`), Wi-Fi signal, congestion', id: 'jalur jaringan: error interface (`ip -s link`), sinyal Wi-Fi, kepadatan' },
  'receiver-load': { en: 'the receiving program\'s CPU load and whether it blocks in its message handler', id: 'beban CPU program penerima dan apakah ia macet di handler pesannya' },
  'payload-encoding': { en: 'the payload\'s bytes in the timeline: publish UTF-8 text (Python 3 encodes a str given to `client.publish()` as UTF-8; `mosquitto_pub -m` sends the terminal\'s bytes as they are), or let the subscriber decode tolerantly: `msg.payload.decode(\'utf-8\', errors=\'replace\')`', id: 'byte payload di timeline: publish teks UTF-8 (Python 3 meng-encode str yang diberikan ke `client.publish()` sebagai UTF-8; `mosquitto_pub -m` mengirim byte dari terminal apa adanya), atau buat subscriber men-decode dengan toleran: `msg.payload.decode(\'utf-8\', errors=\'replace\')`' },
  'path-round-trip': { en: 'the round trip to the broker from the client\'s host (`ping` the broker); on a capture made at the client, the time from SYN to SYN-ACK is that round trip', id: 'round trip ke broker dari host client (`ping` ke broker); pada capture yang diambil di sisi client, waktu dari SYN sampai SYN-ACK adalah round trip itu' },
  'capture-at-broker': { en: 'to time the broker itself, capture on the broker\'s host (`tcpdump -i any port 1883` there): its forwarding delay is then the time between the PUBLISH arriving and its copies leaving', id: 'untuk mengukur broker itu sendiri, ambil capture di host broker (`tcpdump -i any port 1883` di sana): waktu penerusannya adalah jeda antara PUBLISH tiba dan salinannya keluar' },
  'client-output': { en: 'the client program\'s own output at that time (its terminal, or `docker compose logs mqtt-pub`): a Traceback or an error message before `publish()`', id: 'output program client itu sendiri pada saat itu (terminalnya, atau `docker compose logs mqtt-pub`): Traceback atau pesan error sebelum `publish()`' },
  'subscriber-output': { en: 'the subscriber\'s terminal or container log (`docker compose logs mqtt-sub`) for the error that stopped it (a Traceback)', id: 'output terminal atau log container subscriber (`docker compose logs mqtt-sub`) untuk error yang menghentikannya (Traceback)' },
  'wait-before-exit': { en: 'that the script waits until its messages are sent before it ends: `info = client.publish(...)`, `info.wait_for_publish()`, then `client.disconnect()` and `client.loop_stop()`', id: 'bahwa skrip menunggu sampai pesannya terkirim sebelum berakhir: `info = client.publish(...)`, `info.wait_for_publish()`, lalu `client.disconnect()` dan `client.loop_stop()`' },
  'who-aborted': { en: 'which program ended at that time (killed, crashed) and the broker log', id: 'program mana yang berhenti saat itu (dihentikan paksa, crash) dan log broker' },
  'nothing-to-do': { en: 'nothing: this is normal TCP behaviour', id: 'tidak ada: ini perilaku TCP yang normal' },
  'resolve-in-container': { en: 'resolve the name where the client runs: `docker compose exec <client> getent hosts NAME` (or `nslookup NAME`)', id: 'resolve nama itu di tempat client berjalan: `docker compose exec <client> getent hosts NAME` (atau `nslookup NAME`)' },
  'compose-service-names': { en: 'the host name in pub.py/sub.py (or the client\'s config) against the service names in docker-compose.yml and `docker compose ps`', id: 'nama host di pub.py/sub.py (atau konfigurasi client) dibandingkan dengan nama service di docker-compose.yml dan `docker compose ps`' },
  'compose-network': { en: 'that broker and clients share a user-defined network (`docker network inspect <network>`), not the default bridge', id: 'bahwa broker dan client berada di network buatan sendiri yang sama (`docker network inspect <network>`), bukan bridge bawaan' },
  'resolv-conf': { en: 'the nameserver in the client\'s /etc/resolv.conf, and that it answers (`nslookup NAME <server>`)', id: 'nameserver di /etc/resolv.conf client, dan apakah ia menjawab (`nslookup NAME <server>`)' },
  'bridge-interface': { en: 'capture on the Docker bridge: find it with `ip a` / `docker network inspect` (br-…), then `tcpdump -i br-… -w file.pcap`', id: 'capture di bridge Docker: cari dengan `ip a` / `docker network inspect` (br-…), lalu `tcpdump -i br-… -w file.pcap`' },
  'capture-filter': { en: 'the capture filter (e.g. `port 1883`) and the port the broker uses', id: 'capture filter (misalnya `port 1883`) dan port yang dipakai broker' },
  'clients-ran': { en: 'that the publisher and subscriber ran while tcpdump was capturing', id: 'bahwa publisher dan subscriber berjalan selama tcpdump merekam' },
  'capture-point': { en: 'capture where both directions pass (the bridge, or the broker host), without a src/dst-only filter', id: 'capture di tempat kedua arah lewat (bridge, atau host broker), tanpa filter src/dst saja' },
  'start-capture-first': { en: 'start tcpdump before the broker\'s clients', id: 'jalankan tcpdump sebelum client broker' },
  'snaplen-whole': { en: 'capture again with whole packets: `tcpdump -s 0` (tcpdump\'s default, 262144 bytes; drop the small `-s`), or `dumpcap`/Wireshark without a packet size limit', id: 'capture ulang dengan paket utuh: `tcpdump -s 0` (default tcpdump, 262144 byte; hapus `-s` yang kecil), atau `dumpcap`/Wireshark tanpa batas ukuran paket' },
  'snaplen': { en: 'capture with `tcpdump -s 0` (whole packets)', id: 'capture dengan `tcpdump -s 0` (paket utuh)' },
  'capture-one-interface': { en: 'capture on the bridge (`-i br-…`) instead of `-i any`', id: 'capture di bridge (`-i br-…`), bukan `-i any`' },
  'decode-as': { en: 'in Wireshark: Analyze › Decode As… › TCP port {port} → MQTT (tshark: `-d tcp.port=={port},mqtt`)', id: 'di Wireshark: Analyze › Decode As… › TCP port {port} → MQTT (tshark: `-d tcp.port=={port},mqtt`)' },
  'decode-as-websocket': { en: 'in Wireshark: Decode As… TCP port {port} → HTTP shows the WebSocket frames; mqtt-pcap shows the MQTT inside them', id: 'di Wireshark: Decode As… TCP port {port} → HTTP menampilkan frame WebSocket; mqtt-pcap menampilkan MQTT di dalamnya' },
  'try-port': { en: 'if MQTT runs on one of those TCP ports (started before the capture, or over TLS), name it: `mqtt-pcap analyze --port {tcpPorts}` (`--tls-port` for TLS)', id: 'jika MQTT berjalan di salah satu port TCP itu (dimulai sebelum capture, atau lewat TLS), sebutkan port-nya: `mqtt-pcap analyze --port {tcpPorts}` (`--tls-port` untuk TLS)' },
  'keylog-same-run': { en: 'that the key log was written by the client during this very capture, and that the capture started before the client connected (the handshake is needed)', id: 'bahwa key log ditulis oleh client selama capture ini juga, dan capture dimulai sebelum client terhubung (handshake-nya diperlukan)' },
  'keylog-paho': { en: 'paho-mqtt (Python 3.8 or later): make the context with `ssl.create_default_context()` (it writes the key log `$SSLKEYLOGFILE` names) or set `ctx.keylog_filename = "keys.log"`, pass it with `client.tls_set_context(ctx)`, then `mqtt-pcap analyze --keylog keys.log`', id: 'paho-mqtt (Python 3.8 ke atas): buat konteks dengan `ssl.create_default_context()` (ia menulis key log ke berkas yang disebut `$SSLKEYLOGFILE`) atau isi `ctx.keylog_filename = "keys.log"`, pasang dengan `client.tls_set_context(ctx)`, lalu `mqtt-pcap analyze --keylog keys.log`' },
  'keylog-mosquitto': { en: 'mosquitto_pub/mosquitto_sub: OpenSSL writes `$SSLKEYLOGFILE` itself only from version 3.5 built with `enable-sslkeylog`, otherwise preload a key log shim with `LD_PRELOAD` (docs/tls.md)', id: 'mosquitto_pub/mosquitto_sub: OpenSSL menulis `$SSLKEYLOGFILE` sendiri hanya mulai versi 3.5 yang di-build dengan `enable-sslkeylog`, selain itu pasang shim key log dengan `LD_PRELOAD` (docs/tls.md)' },
  'tls-client-cert': { en: 'give the client its certificate and key, signed by the CA the broker\'s listener trusts (mosquitto_pub --cert client.crt --key client.key; paho: tls_set(ca_certs=..., certfile=..., keyfile=...)), or turn require_certificate off for this listener', id: 'berikan sertifikat dan key client, yang ditandatangani CA yang dipercaya listener broker (mosquitto_pub --cert client.crt --key client.key; paho: tls_set(ca_certs=..., certfile=..., keyfile=...)), atau matikan require_certificate untuk listener ini' },
  'tls-client-ca': { en: 'the CA file the client is given is the one that signed the broker\'s certificate: `openssl s_client -connect HOST:8883 -CAfile ca.crt` says "Verify return code: 0 (ok)" when it is', id: 'file CA yang diberikan ke client adalah CA yang menandatangani sertifikat broker: `openssl s_client -connect HOST:8883 -CAfile ca.crt` menampilkan "Verify return code: 0 (ok)" bila benar' },
  'tls-versions': { en: 'the TLS versions each side allows (mosquitto: tls_version under the listener; the client\'s --tls-version or its library\'s minimum)', id: 'versi TLS yang diizinkan tiap sisi (mosquitto: tls_version di bawah listener; --tls-version client atau batas minimum library-nya)' },
  'tls-broker-log': { en: 'the broker\'s log at that time names the TLS error (mosquitto: "OpenSSL Error[0]: ... peer did not return a certificate", "... alert unknown ca")', id: 'log broker pada waktu itu menyebut galat TLS-nya (mosquitto: "OpenSSL Error[0]: ... peer did not return a certificate", "... alert unknown ca")' },
  'tls-keys': { en: 'to read the messages, give mqtt-pcap the TLS key log the client wrote (SSLKEYLOGFILE), or use the plain listener (1883) in the lab', id: 'untuk membaca pesannya, berikan ke mqtt-pcap key log TLS yang ditulis client (SSLKEYLOGFILE), atau pakai listener biasa (1883) di praktikum' },
  'topic-alias-mapping': { en: "the client's Topic Alias handling: on each new connection the first PUBLISH with an alias must carry the topic name too (paho MQTT 5: set the PUBLISH property `TopicAlias` with the topic again after every reconnect)", id: 'penanganan Topic Alias di client: di setiap koneksi baru, PUBLISH pertama yang memakai alias wajib membawa topic name juga (paho MQTT 5: set lagi property PUBLISH `TopicAlias` bersama topiknya setelah setiap reconnect)' },
  'publish-topic': { en: "the topic the publisher uses: one exact topic, not empty, without '+' or '#' (pub.py: `client.publish(\"sister/temp\", ...)`)", id: "topik yang dipakai publisher: satu topik yang persis, tidak kosong, tanpa '+' atau '#' (pub.py: `client.publish(\"sister/temp\", ...)`)" },
  'connect-once': { en: "that the program connects once and reconnects only after the old connection is closed (paho: connect() once, then loop_start(), and let its automatic reconnect do the rest)", id: 'bahwa program melakukan connect sekali dan reconnect hanya setelah koneksi lama ditutup (paho: connect() sekali, lalu loop_start(), dan biarkan reconnect otomatisnya bekerja)' },
  'packet-ids': { en: 'how the client numbers its packets: the packet identifiers of QoS 1/2 PUBLISH, SUBSCRIBE and UNSUBSCRIBE run from 1 to 65535, never 0', id: 'cara client memberi nomor paketnya: packet identifier untuk PUBLISH QoS 1/2, SUBSCRIBE dan UNSUBSCRIBE harus 1 sampai 65535, tidak pernah 0' },
  'broker-version': { en: "the broker's name and version (its release notes, an upgrade), and the packet's bytes in the timeline (Wireshark marks it Malformed too)", id: 'nama dan versi broker (catatan rilisnya, upgrade), serta byte paket itu di linimasa (Wireshark juga menandainya Malformed)' },
  'malformed-bytes': { en: "the client library and its version, and the packet's bytes in the timeline (Wireshark marks it Malformed too)", id: 'library client dan versinya, serta byte paket itu di linimasa (Wireshark juga menandainya Malformed)' },
};

const CONFIDENCE: Record<string, { en: string; id: string }> = {
  medium: { en: 'Fairly sure: the capture may not show everything.', id: 'Cukup yakin: capture mungkin tidak menampilkan semuanya.' },
  low: { en: 'Not sure: connections opened before the capture started (or not captured here) may hold subscriptions that are not visible.', id: 'Belum pasti: koneksi yang dibuka sebelum capture dimulai (atau tidak terekam di sini) mungkin memiliki subscription yang tidak terlihat.' },
};

/** The diagnosis sentence alone, from a code and its facts. */
export function sentence(code: DiagnosisCode, facts: Facts, lang: Lang): string {
  return SENTENCES[code][lang](facts);
}

/** "frames 3–6 (4)" in either language; a single frame as "frame 3". */
export function framesText(evidence: { firstFrame: number; lastFrame: number; count: number }, lang: Lang): string {
  const word = lang === 'en' ? 'frame' : 'frame';
  if (evidence.count <= 1 || evidence.firstFrame === evidence.lastFrame) return `${word} ${evidence.firstFrame}`;
  const s = lang === 'en' ? 'frames' : 'frame';
  return `${s} ${evidence.firstFrame}–${evidence.lastFrame} (${evidence.count})`;
}

/** Everything a view or report needs to tell a diagnosis, in one language; undefined for another kind of finding. */
export function describeDiagnosis(finding: FindingEvent, lang: Lang): DiagnosisWords | undefined {
  const d = asDiagnosis(finding);
  if (d === undefined) return undefined;
  const facts = d.detail.facts;
  const words: DiagnosisWords = {
    sentence: sentence(d.code, facts, lang),
    frames: framesText(d.evidence, lang),
    causes: d.detail.causes.map((key) => fill(CAUSES[key]?.[lang] ?? key, facts, lang)),
    checks: d.detail.checks.map((key) => fill(CHECKS[key]?.[lang] ?? key, facts, lang)),
  };
  const confidence = CONFIDENCE[d.detail.confidence];
  if (confidence !== undefined) words.confidence = confidence[lang];
  return words;
}
