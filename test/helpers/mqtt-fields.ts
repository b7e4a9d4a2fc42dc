/**
 * Test helper: every MQTT field tshark shows, per MQTT PDU, as one flat record of strings, and the same record made
 * from our MqttEvent, so that the two can be compared field by field (test/mqtt-vs-tshark.test.ts). Strings (topics,
 * client ids, property strings) are taken from tshark's raw bytes and decoded as UTF-8, so escaping in its display
 * does not matter. Only the fields of the packet's type are set; absent means tshark did not show the field.
 * Not a dissector: it reads tshark's PDML and our events, nothing else.
 */
import type { MqttEvent } from '../../src/index.js';
import { runTshark } from './tshark.js';

/** One MQTT PDU's fields, by name; see FIELD_NAMES for what each means. */
export type MqttRecord = Record<string, string>;

export interface TsharkMqttRecord {
  frame: number;
  fields: MqttRecord;
}

/** mqtt-packet's property names (our events) to MQTT 5 property identifiers (tshark's mqtt.property_id). */
const PROPERTY_IDS: Readonly<Record<string, number>> = {
  payloadFormatIndicator: 0x01, messageExpiryInterval: 0x02, contentType: 0x03, responseTopic: 0x08,
  correlationData: 0x09, subscriptionIdentifier: 0x0b, sessionExpiryInterval: 0x11, assignedClientIdentifier: 0x12,
  serverKeepAlive: 0x13, authenticationMethod: 0x15, authenticationData: 0x16, requestProblemInformation: 0x17,
  willDelayInterval: 0x18, requestResponseInformation: 0x19, responseInformation: 0x1a, serverReference: 0x1c,
  reasonString: 0x1f, receiveMaximum: 0x21, topicAliasMaximum: 0x22, topicAlias: 0x23, maximumQoS: 0x24,
  retainAvailable: 0x25, maximumPacketSize: 0x27, wildcardSubscriptionAvailable: 0x28,
  subscriptionIdentifiersAvailable: 0x29, sharedSubscriptionAvailable: 0x2a,
};
/** Properties whose value is binary: tshark shows their bytes, we show hex. */
const BINARY_PROPERTIES = new Set([0x09, 0x16]);
const STRING_PROPERTIES = new Set([0x03, 0x08, 0x12, 0x15, 0x1a, 0x1c, 0x1f]);

interface PdmlField { name: string; show: string; value: string }

function attr(tag: string, name: string): string {
  const m = new RegExp(` ${name}="([^"]*)"`).exec(tag);
  return m === null ? '' : unescapeXml(m[1]!);
}
function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&');
}
const utf8 = (hex: string): string => Buffer.from(hex, 'hex').toString('utf8');
const bool = (s: string): string => (s === '1' || s === 'True' ? '1' : '0');

/** A list of "id=value" for the properties tshark shows between `from` and the end of that properties tree. */
function tsharkProperties(fields: PdmlField[]): string {
  const out: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.name !== 'mqtt.property_id') continue;
    const id = parseInt(f.value, 16);
    // The value: the next field that is not a length (a content type is one field: its 2-byte length, then the bytes).
    let next = fields.slice(i + 1).find((x) => !x.name.endsWith('_len'));
    if (next?.name === 'mqtt.property.content_type') next = { ...next, value: next.value.slice(4) };
    if (id === 0x26) {
      const key = fields.find((x, j) => j > i && x.name === 'mqtt.prop_key');
      const value = fields.find((x, j) => j > i && x.name === 'mqtt.prop_value');
      out.push(`38=${utf8(key?.value ?? '')}:${utf8(value?.value ?? '')}`);
    } else if (next === undefined) {
      out.push(`${id}=?`);
    } else if (BINARY_PROPERTIES.has(id)) {
      out.push(`${id}=${next.value}`);
    } else if (STRING_PROPERTIES.has(id)) {
      out.push(`${id}=${utf8(next.value)}`);
    } else {
      out.push(`${id}=${Number(next.show)}`);
    }
  }
  return out.join(' ');
}

/** tshark's MQTT PDUs, each as an MqttRecord (PDML, so that several PDUs in one frame stay apart). */
export function tsharkMqttRecords(file: string, ports: number[] = [], extra: string[] = []): TsharkMqttRecord[] {
  const xml = runTshark(['-r', file, ...ports.flatMap((p) => ['-d', `tcp.port==${p},mqtt`]), ...extra, '-Y', 'mqtt', '-T', 'pdml']);
  const out: TsharkMqttRecord[] = [];
  for (const packet of xml.split('<packet>').slice(1)) {
    const frame = Number(/<field name="frame.number"[^>]*show="(\d+)"/.exec(packet)?.[1]);
    for (const proto of packet.split('<proto name="mqtt"').slice(1)) {
      const body = proto.split('<proto name=')[0]!;
      const all: PdmlField[] = [...body.matchAll(/<field [^>]*>/g)].map((m) => ({ name: attr(m[0], 'name'), show: attr(m[0], 'show'), value: attr(m[0], 'value') }));
      // Split the will's properties from the packet's.
      const willStart = body.indexOf('<field name="mqtt.will_properties"');
      let packetFields = all;
      let willFields: PdmlField[] = [];
      if (willStart >= 0) {
        const before = [...body.slice(0, willStart).matchAll(/<field [^>]*>/g)].length;
        const willEnd = all.findIndex((f, j) => j > before && f.name === 'mqtt.willtopic_len');
        willFields = all.slice(before, willEnd < 0 ? undefined : willEnd);
        packetFields = [...all.slice(0, before), ...(willEnd < 0 ? [] : all.slice(willEnd))];
      }
      const get = (name: string): PdmlField | undefined => packetFields.find((f) => f.name === name);
      const every = (name: string): PdmlField[] => packetFields.filter((f) => f.name === name);
      const type = get('mqtt.msgtype');
      if (type === undefined) continue;
      const r: MqttRecord = { type: type.show };
      // tshark did not see the connection's CONNECT: it reads MQTT 5 packets without their properties.
      if (get('mqtt.unknown_version') !== undefined) r['unknownVersion'] = '1';
      const set = (key: string, value: string | undefined): void => { if (value !== undefined) r[key] = value; };
      set('len', get('mqtt.len')?.show);
      const msgtype = Number(type.show);
      if (msgtype === 3) {
        set('dup', get('mqtt.dupflag') && bool(get('mqtt.dupflag')!.show));
        set('qos', get('mqtt.qos')?.show);
        set('retain', get('mqtt.retain') && bool(get('mqtt.retain')!.show));
        const topic = get('mqtt.topic');
        if (topic !== undefined) r['topic'] = utf8(topic.value);
        // tshark adds no mqtt.topic for a topic of length 0 (MQTT 5 alias-only, or a client's empty topic): its
        // length field says the topic is empty.
        else if (get('mqtt.topic_len')?.show === '0') r['topic'] = '';
        const msg = get('mqtt.msg');
        r['payload'] = msg?.value ?? '';
      }
      const msgid = get('mqtt.msgid');
      if (msgid !== undefined) r['msgid'] = msgid.show;
      if (msgtype === 1) {
        const protoname = get('mqtt.protoname');
        if (protoname !== undefined) r['protoname'] = utf8(protoname.value);
        set('ver', get('mqtt.ver')?.show);
        set('clean', get('mqtt.conflag.cleansess') && bool(get('mqtt.conflag.cleansess')!.show));
        set('kalive', get('mqtt.kalive')?.show);
        const clientid = get('mqtt.clientid');
        if (clientid !== undefined) r['clientid'] = utf8(clientid.value);
        else if (get('mqtt.clientid_len') !== undefined) r['clientid'] = '';
        const username = get('mqtt.username');
        if (username !== undefined) r['username'] = utf8(username.value);
        if (get('mqtt.conflag.passwd')?.show === '1') r['password'] = 'yes';
        if (get('mqtt.conflag.willflag')?.show === '1') {
          r['will'] = [utf8(get('mqtt.willtopic')?.value ?? ''), get('mqtt.conflag.qos')?.show ?? '',
            bool(get('mqtt.conflag.retain')?.show ?? '0'), get('mqtt.willmsg')?.value ?? ''].join(' ');
          const wp = tsharkProperties(willFields);
          if (wp !== '') r['willprops'] = wp;
        }
      }
      if (msgtype === 2) {
        set('sp', get('mqtt.conack.flags.sp') && bool(get('mqtt.conack.flags.sp')!.show));
        set('code', (get('mqtt.connack.reason_code') ?? get('mqtt.conack.val'))?.show);
      }
      if (msgtype === 8) {
        const topics = every('mqtt.topic');
        const v311 = every('mqtt.sub.qos');
        const opts = every('mqtt.subscription_options_qos');
        const nl = every('mqtt.subscription_options_nl');
        const rap = every('mqtt.subscription_options_rap');
        const rh = every('mqtt.subscription_options_retain');
        r['subs'] = topics.map((t, i) => (opts.length > 0
          ? `${utf8(t.value)}:${opts[i]?.show}:${bool(nl[i]?.show ?? '0')}${bool(rap[i]?.show ?? '0')}${rh[i]?.show}`
          : `${utf8(t.value)}:${v311[i]?.show}`)).join(',');
      }
      if (msgtype === 10) r['unsubs'] = every('mqtt.topic').map((t) => utf8(t.value)).join(',');
      if (msgtype === 9) {
        const codes = every('mqtt.suback.reason_code').length > 0 ? every('mqtt.suback.reason_code') : every('mqtt.suback.qos');
        r['codes'] = codes.map((c) => c.show).join(',');
      }
      if (msgtype === 11) {
        const codes = every('mqtt.unsuback.reason_code');
        if (codes.length > 0) r['codes'] = codes.map((c) => c.show).join(',');
      }
      const rcName = ({ 4: 'puback', 5: 'pubrec', 6: 'pubrel', 7: 'pubcomp', 14: 'disconnect', 15: 'auth' } as Record<number, string>)[msgtype];
      if (rcName !== undefined) set('rc', get(`mqtt.${rcName}.reason_code`)?.show);
      const props = tsharkProperties(packetFields);
      if (props !== '') r['props'] = props;
      out.push({ frame, fields: r });
    }
  }
  return out;
}

function propertyList(properties: Record<string, unknown> | undefined, user: Array<[string, string]> | undefined): string {
  const out: string[] = [];
  for (const [name, value] of Object.entries(properties ?? {})) {
    const id = PROPERTY_IDS[name];
    if (id === undefined) { out.push(`${name}=?`); continue; }
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) out.push(`${id}=${typeof v === 'boolean' ? (v ? 1 : 0) : String(v)}`);
  }
  for (const [k, v] of user ?? []) out.push(`38=${k}:${v}`);
  return out.join(' ');
}
const sortedWords = (s: string | undefined): string => (s ?? '').split(' ').filter((w) => w !== '').sort().join(' ');

function payloadHex(p: MqttEvent['payload']): string | undefined {
  if (p === undefined) return '';
  if (p.incomplete === true) return undefined;
  if (p.hex !== undefined) return p.hex;
  return Buffer.from(p.text ?? '', 'utf8').toString('hex');
}

/** Our event as an MqttRecord with the fields tshark shows for its type. */
export function ourMqttRecord(e: MqttEvent): MqttRecord {
  const r: MqttRecord = { type: String(e.msgtype), len: String(e.length) };
  const t = e.msgtype;
  if (t === 3) {
    r['dup'] = e.dup === true ? '1' : '0';
    r['qos'] = String(e.qos ?? '');
    r['retain'] = e.retain === true ? '1' : '0';
    if (e.topic !== undefined) r['topic'] = e.topic;
    const hex = payloadHex(e.payload);
    if (hex !== undefined) r['payload'] = hex;
  }
  if (e.packetId !== undefined) r['msgid'] = String(e.packetId);
  if (t === 1) {
    if (e.protocolName !== undefined) r['protoname'] = e.protocolName;
    // tshark's mqtt.ver is the level byte as sent: a bridge's CONNECT keeps its top bit (0x84 = 132).
    if (e.protocolVersion !== undefined) r['ver'] = String(e.protocolVersion | (e.bridge === true ? 0x80 : 0));
    if (e.cleanSession !== undefined) r['clean'] = e.cleanSession ? '1' : '0';
    if (e.keepAlive !== undefined) r['kalive'] = String(e.keepAlive);
    if (e.clientId !== undefined) r['clientid'] = e.clientId;
    if (e.username !== undefined) r['username'] = e.username;
    if (e.password !== undefined) r['password'] = 'yes';
    if (e.will !== undefined) {
      r['will'] = [e.will.topic, String(e.will.qos), e.will.retain ? '1' : '0', payloadHex(e.will.payload) ?? '?'].join(' ');
      const wp = propertyList(e.will.properties, e.will.userProperties);
      if (wp !== '') r['willprops'] = wp;
    }
  }
  if (t === 2) {
    if (e.sessionPresent !== undefined) r['sp'] = e.sessionPresent ? '1' : '0';
    const code = e.reasonCode ?? e.returnCode;
    if (code !== undefined) r['code'] = String(code);
  }
  if (t === 8 && e.subscriptions !== undefined) {
    r['subs'] = e.subscriptions.map((s) => (e.protocolVersion === 5
      ? `${s.topic}:${s.qos}:${s.noLocal === true ? 1 : 0}${s.retainAsPublished === true ? 1 : 0}${s.retainHandling ?? 0}`
      : `${s.topic}:${s.qos}`)).join(',');
  }
  if (t === 10 && e.unsubscriptions !== undefined) r['unsubs'] = e.unsubscriptions.join(',');
  if (t === 9) {
    const codes = e.reasonCodes ?? e.grantedQos;
    if (codes !== undefined) r['codes'] = codes.join(',');
  }
  if (t === 11 && e.reasonCodes !== undefined) r['codes'] = e.reasonCodes.join(',');
  if ((t >= 4 && t <= 7) || t === 14 || t === 15) {
    if (e.reasonCode !== undefined) r['rc'] = String(e.reasonCode);
  }
  const props = propertyList(e.properties, e.userProperties);
  if (props !== '') r['props'] = props;
  return r;
}

/** The fields on which `ours` and `theirs` differ ("name: ours ≠ theirs"), properties compared as sets. */
export function recordDifferences(ours: MqttRecord, theirs: MqttRecord): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    let a = ours[key];
    let b = theirs[key];
    if (key === 'props' || key === 'willprops') { a = sortedWords(a); b = sortedWords(b); }
    if (key === 'payload' && a === undefined) continue; // ours not kept whole (past 64 KiB): its length is compared
    const show = (v: string | undefined): string => (v === undefined ? '(none)' : v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v);
    if (a !== b) out.push(`${key}: ${show(a)} ≠ ${show(b)}`);
  }
  return out;
}
