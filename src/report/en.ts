/**
 * The report's English: every sentence, heading, table header and value of the phrasebook (words.ts), in
 * Wireshark's vocabulary. Words only: no facts are computed here beyond choosing a phrasing.
 */
import { FINDING_CODES } from '../model/findings.js';
import { CONNACK_RETURN_CODES, PROTOCOL_VERSIONS, reasonName } from '../model/names.js';
import { describeEvent, type EventWords } from './describe.js';
import { sharedSubscriptionPrefix } from '../mqtt/topic.js';
import { code, data, strong, type Inline } from './document.js';
import type { Role, Transport } from './facts.js';
import { clearsRetainedRun } from './facts.js';
import { frameList, reasonWords, type Who, type Words } from './words.js';

const num = (value: number, digits: number): string => value.toFixed(digits);
const ms = (value: number): string => `${num(value, 3)} ms`;
const seconds = (value: number): string => `${num(value, value >= 10 ? 1 : 2)} s`;
const frames = (list: number[], total?: number): string =>
  `${(total ?? list.length) === 1 ? 'frame' : 'frames'} ${frameList(list, 'and', (n) => `and ${n} more`, total)}`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function who(w: Who): Inline[] {
  return w.clientId !== undefined && w.clientId !== '' ? [code(w.clientId), ` (${w.ip})`] : [w.ip];
}

function version(v: number | undefined): string {
  return v === undefined ? 'MQTT (version unknown)' : `MQTT ${PROTOCOL_VERSIONS[v] ?? v}`;
}

function connackText(codeValue: number, v: number | undefined): string {
  return v === 5 ? reasonName(codeValue) : CONNACK_RETURN_CODES[codeValue] ?? `return code ${codeValue}`;
}

function portPhrase(port: number, transport: Transport): string {
  if (transport === 'tls') return `port ${port} (MQTT over TLS: the MQTT packets are encrypted)`;
  if (transport === 'websocket') return `port ${port} (MQTT over WebSocket)`;
  if (port === 1883) return 'port 1883, MQTT\'s registered port';
  return `port ${port} (not MQTT's registered port 1883)`;
}

function qosList(list: number[]): string {
  return list.map((q) => (q >= 0x80 ? `failure (0x${q.toString(16)})` : `QoS ${q}`)).join(', ');
}

const ROLE: Record<Role, string> = { broker: 'broker', publisher: 'publisher', subscriber: 'subscriber', client: 'client' };

const MQTT_PURPOSE: Record<string, string> = {
  PINGREQ: 'to show the session is alive (keep-alive)',
  PINGRESP: 'answering the keep-alive pings',
  UNSUBSCRIBE: 'to cancel a subscription',
  UNSUBACK: 'confirming the unsubscription',
  PUBACK: 'acknowledging QoS 1 messages',
  PUBREC: 'the first acknowledgement of QoS 2 messages',
  PUBREL: 'releasing QoS 2 messages',
  PUBCOMP: 'completing QoS 2 deliveries',
  AUTH: 'for extended authentication',
};

export const EN: Words = {
  lang: 'en',
  number: num,
  ms,
  seconds,
  frames,
  yesNo: (value) => (value === undefined ? '' : value ? 'yes' : 'no'),
  role: (r) => ROLE[r],
  title: 'MQTT capture report',
  headings: {
    analysis: 'Analysis', whoIsWho: 'Who is who', conclusion: 'Conclusion', story: 'What happened, in order',
    hosts: 'Hosts', sessions: 'MQTT sessions', topics: 'Topics', latency: 'Latency', findings: 'Findings',
    pictures: 'Pictures', timeline: 'Appendix: timeline',
  },
  fileLine: (file, o) => [strong('File:'), ' ', code(file), `, ${plural(o.frames, 'frame')} over ${seconds(o.durationSeconds)}`,
    ...(o.start !== undefined ? [`, from ${o.start}`] : []), '.'],
  overview: (o) => [
    `The capture holds ${plural(o.connections, 'TCP connection')} and ${plural(o.sessions, 'MQTT session')}`,
    o.refused > 0 ? ` (and ${plural(o.refused, 'CONNECT')} the broker refused, which started none); ` : '; ',
    `${plural(o.published, 'message')} ${o.published === 1 ? 'was' : 'were'} published to the broker and `,
    `${plural(o.delivered, 'message')} delivered by the broker to subscribers.`,
  ],
  host: (h) => {
    const out: Inline[] = [h.ip];
    if (h.clientIds.length > 0) {
      out.push(h.clientIds.length === 1 ? ' (client id ' : ' (client ids ');
      h.clientIds.forEach((id, i) => out.push(...(i > 0 ? [', '] : []), code(id)));
      out.push(')');
    }
    const parts: Inline[][] = [];
    if (h.sameMachineAs !== undefined) parts.push([`is ${h.sameMachineAs}'s IPv6 address, one machine (both send from MAC ${h.mac ?? '?'})`]);
    if (h.broker !== undefined) {
      parts.push([`is the broker: it accepts MQTT connections on ${h.broker.ports.map((p) => portPhrase(p.port, p.transport)).join(' and ')} (SYN-ACK in ${frames(h.broker.frames)})`]);
    }
    if (h.publishes !== undefined) {
      const topics: Inline[] = [];
      h.publishes.topics.forEach((t, i) => topics.push(...(i > 0 ? [', '] : []), code(t)));
      parts.push([`is a publisher: it sends ${plural(h.publishes.count, 'PUBLISH', 'PUBLISH messages')} to `, ...topics, ` (${frames(h.publishes.frames, h.publishes.count)})`]);
    }
    if (h.subscribes !== undefined) {
      const topics: Inline[] = [];
      h.subscribes.topics.forEach((t, i) => topics.push(...(i > 0 ? [', '] : []), code(t)));
      parts.push([`is a subscriber: it subscribes to `, ...topics, ` (${frames(h.subscribes.frames)})`]);
    }
    if (h.receives !== undefined) {
      parts.push([`receives ${plural(h.receives.count, 'message')} from the broker (${frames(h.receives.frames, h.receives.count)})`]);
    }
    if (h.connects !== undefined) parts.push([`is an MQTT client that neither publishes nor subscribes (${frames(h.connects.frames)})`]);
    if (h.encrypted !== undefined) parts.push([`is an MQTT client over TLS: what it publishes or subscribes to is encrypted (${frames(h.encrypted.frames)})`]);
    parts.forEach((p, i) => out.push(i === 0 ? ' ' : i === parts.length - 1 ? ' and ' : ', ', ...p));
    out.push('.');
    return out;
  },
  healthy: () => ['The exchange is healthy: every client was accepted by the broker, every published message reached its subscribers, and TCP needed no retransmission.'],
  healthyEncrypted: () => ['Nothing wrong is visible: every TLS connection was accepted and TCP needed no retransmission. The MQTT exchange itself is encrypted, so whether messages were delivered cannot be judged from this capture.'],
  problems: (list) => list.map((p): Inline[] => {
    switch (p.kind) {
      case 'refused': return ['The broker refused ', ...who(p.who), `: CONNACK in frame ${p.frame} says ${connackText(p.code, p.version)}.`];
      case 'no-connack': return ['The CONNECT of ', ...who(p.who), ` (frame ${p.frame}) got no CONNACK in the capture.`];
      case 'retransmissions': return [`TCP retransmitted ${plural(p.count, 'segment')} (${frames(p.frames, p.count)}): something was lost or late on the way.`];
      case 'undelivered': return p.retainedOnly
        ? [`Of ${plural(p.published, 'message')} published to `, code(p.topic), `, the subscribers received only the retained one${p.delivered > 1 ? ` (${p.delivered} copies)` : ''}, sent when they subscribed after them: the broker keeps the last retained message of a topic, and a subscriber gets the others only if it is subscribed when they are published.`]
        : [`Of ${plural(p.published, 'message')} published to `, code(p.topic), `, the broker delivered ${p.delivered} to subscribers in the capture.`];
      case 'finding': return [code(p.group.code), ` (${p.group.severity}, ${frames(p.group.frames, p.group.count)}): `, ...p.text];
    }
  }),
  noMqtt: () => ['No MQTT traffic was found in this capture.'],
  arp: (a, targetIsBroker) => [
    `${a.askerIp} asks the whole segment (broadcast) who has ${a.targetIp} (frame ${a.requestFrame}${a.repeats > 0 ? `, asked ${a.repeats + 1} times` : ''})`,
    ...(a.replyFrame !== undefined
      ? [`; ${a.targetIp} answers that it is at ${a.targetMac ?? ''} (frame ${a.replyFrame}). Now ${a.askerIp} knows the MAC address of ${targetIsBroker ? 'the broker' : a.targetIp} and can send it Ethernet frames.`]
      : ['; no answer was captured.']),
  ],
  handshake: (c, w) => {
    if (c.synFrame === undefined) return ['The connection of ', ...who(w), ` to ${c.serverIp} on ${portPhrase(c.serverPort, c.transport)} was already open when the capture started (no handshake captured; first frame ${c.firstFrame}).`];
    const out: Inline[] = ['TCP three-way handshake: ', ...who(w), ` connects from port ${portOfClient(c.client)} to the broker ${c.serverIp} on ${portPhrase(c.serverPort, c.transport)}: SYN (frame ${c.synFrame})`];
    if (c.synAckFrame !== undefined) out.push(`, SYN-ACK (frame ${c.synAckFrame})`);
    if (c.handshakeAckFrame !== undefined) out.push(`, ACK (frame ${c.handshakeAckFrame})`);
    if (c.handshakeRttMs !== undefined) out.push(`; round-trip time ${ms(c.handshakeRttMs)}`);
    if (c.transport === 'websocket' && c.preludeFrames.length > 0) out.push(`; then the HTTP upgrade to WebSocket (${frames(c.preludeFrames)}), which carries the MQTT packets from then on`);
    if (c.synRetransmissions > 0) out.push(`; the SYN was sent ${c.synRetransmissions + 1} times, so the connection waited for the retry timer`);
    if (c.synAckFrame === undefined) out.push(c.reset !== undefined ? `; the broker refused it with RST (frame ${c.reset.frame})` : '; the SYN got no answer');
    out.push('.');
    return out;
  },
  connect: (c, w) => {
    const out: Inline[] = [];
    if (c.connect !== undefined) {
      const k = c.connect;
      out.push('CONNECT (frame ', `${k.frame}): client id `, k.clientId === '' ? ((c.connack?.code ?? 0) !== 0 ? 'empty' : 'empty (the broker assigns one)') : code(k.clientId), `, ${version(k.protocolVersion)}, keep-alive ${k.keepAlive ?? '?'} s, clean session ${EN.yesNo(k.cleanSession)}`);
      if (k.username !== undefined) out.push(', user name ', k.username === '' ? 'empty' : code(k.username));
      if (k.willTopic !== undefined) out.push(', a will message on ', k.willTopic === '' ? 'an empty topic' : code(k.willTopic));
      out.push('. ');
    } else {
      out.push('No CONNECT of ', ...who(w), ` was captured${c.inferredVersion !== undefined ? ` (${version(c.inferredVersion)} inferred from the packets)` : ''}. `);
    }
    if (c.connack !== undefined) {
      const a = c.connack;
      out.push(`CONNACK (frame ${a.frame}): ${connackText(a.code, c.connect?.protocolVersion ?? c.inferredVersion)}`);
      if (a.latencyMs !== undefined) out.push(`, ${ms(a.latencyMs)} after the CONNECT`);
      if (a.sessionPresent === true) out.push(', and the broker still had a session for this client');
      out.push('.');
    } else {
      out.push('The broker\'s CONNACK is not in the capture.');
    }
    return out;
  },
  subscribe: (_c, w, frame, subs, ackFrame, granted, latencyMs) => {
    const topics: Inline[] = [];
    subs.forEach((s, i) => topics.push(...(i > 0 ? [', '] : []), code(s.topic), ` (QoS ${s.qos})`));
    const out: Inline[] = [...who(w), ` sends SUBSCRIBE (frame ${frame}) for `, ...topics];
    if (ackFrame !== undefined) {
      out.push(`; SUBACK (frame ${ackFrame}) grants ${qosList(granted ?? [])}`);
      if (latencyMs !== undefined) out.push(` after ${ms(latencyMs)}`);
      // A shared subscription ($share/group/filter) gets each message to one member of its group only; No Local, all
      // but the client's own.
      const plain = subs.filter((s) => sharedSubscriptionPrefix(s.topic) === '');
      if (plain.length > 0) {
        out.push('. From then on the broker sends this client every message published to ', plain.length === 1 ? 'that topic' : 'those topics',
          plain.some((s) => s.noLocal === true) ? ', except its own (No Local)' : '', plain.length < subs.length ? ' (not the shared subscription)' : '', '.');
      } else out.push('.');
      for (const s of subs) {
        const shared = sharedSubscriptionPrefix(s.topic);
        if (shared === '') continue;
        out.push(' ', code(s.topic), ' is a shared subscription: the broker gives each message matching ', code(s.topic.slice(shared.length)),
          ' to one member of group ', code(shared.slice(7, -1)), ' only, not to each.');
      }
    } else {
      out.push('; no SUBACK was captured.');
    }
    return out;
  },
  publish: (run, w) => {
    const clears = clearsRetainedRun(run);
    const out: Inline[] = [...who(w), ` publishes ${run.count === 1 ? 'one message' : `${run.count} messages`} to `, code(run.topic), ` with QoS ${run.qos}${run.retain ? ' (retained)' : ''}`];
    if (clears) out.push(run.count === 1 ? ' and an empty payload: it clears the topic\'s retained message, so new subscribers no longer get one' : ', each with an empty payload: they clear the topic\'s retained message, so new subscribers no longer get one');
    else if (run.payload !== undefined) {
      out.push(run.count === 1 ? ', payload ' : run.samePayload ? ', each with the payload ' : ', the first with the payload ', code(run.payload.preview),
        ` (${plural(run.payload.length, 'byte')}${run.payload.format === 'binary' ? ', binary, shown as hex' : ''}${run.payload.format === 'legacy' ? ', not UTF-8 text' : ''}`,
        ...(run.payload.format === 'legacy' ? legacyWords(run.payload.latin1 ?? []) : []), `${run.payload.cut ? ', cut' : ''})`);
      if (run.count > 1 && !run.samePayload) out.push(', the others with different payloads');
      if (run.clearFrames !== undefined) out.push(`; the one${run.clearFrames.length === 1 ? '' : 's'} in ${frames(run.clearFrames)} ${run.clearFrames.length === 1 ? 'has' : 'have'} an empty payload: ${run.clearFrames.length === 1 ? 'it clears' : 'each clears'} the topic's retained message`);
    }
    out.push(`, in ${frames(run.frames, run.count)}`);
    if (run.interval !== undefined) {
      const i = run.interval;
      out.push(Math.abs(i.max - i.min) < 0.005 ? `, one every ${seconds(i.mean)}` : `, one every ${seconds(i.min)} to ${seconds(i.max)} (${seconds(i.mean)} on average)`);
    }
    if (run.qos > 0) {
      const ack = run.qos === 1 ? 'PUBACK' : 'PUBREC';
      if (run.count === 1) out.push(run.acknowledged === 1 ? `; the broker acknowledged it with ${ack}` : `; the broker's ${ack} is not in the capture`);
      else out.push(`; the broker acknowledged ${run.acknowledged} of them with ${ack}`);
      if (run.ackLatencyMs !== undefined) out.push(` after ${ms(run.ackLatencyMs.mean)}${run.ackLatencyMs.count > 1 ? ' on average' : ''}`);
    }
    out.push('.');
    return out;
  },
  delivery: (d, w, attached) => {
    const out: Inline[] = [attached ? 'The broker forwards ' : 'The broker delivers ', `${d.count === 1 ? 'one PUBLISH' : `${d.count} PUBLISH messages`} on `, code(d.topic), ' to ', ...who(w),
      `, in ${frames(d.frames, d.count)}`];
    if (d.willOf !== undefined) {
      // The Will: no publisher's message, the broker's own on the client's behalf.
      out.push(': the Will of ', code(d.willOf), ` (set in its CONNECT, frame ${d.willConnectFrame}), which the broker publishes because `,
        d.willTakeoverFrame !== undefined ? `another connection took that client id over (CONNECT, frame ${d.willTakeoverFrame})` : 'that client\'s connection ended without a DISCONNECT it accepted');
      if (d.delayMs !== undefined) out.push(`, ${ms(d.delayMs.min)} after ${d.willTakeoverFrame !== undefined ? 'that CONNECT' : 'it ended'}`);
      out.push('.');
      return out;
    }
    if (d.delayMs !== undefined) {
      const x = d.delayMs;
      out.push(x.count === 1 ? `, ${ms(x.min)} after the publisher's message` : `, each ${ms(x.min)} to ${ms(x.max)} after the publisher's message (${ms(x.mean)} on average)`);
    }
    if (d.linked < d.count - d.retained) out.push(`; ${d.count - d.retained - d.linked} of them copy messages whose publisher is not in the capture`);
    if (d.retained > 0) out.push(d.retained === d.count ? `; ${d.count === 1 ? 'it is a retained message' : 'all are retained messages'} sent when the subscription was made` : `; ${d.retained} of them ${d.retained === 1 ? 'is a retained message' : 'are retained messages'} sent when the subscription was made`);
    if (d.queued > 0) {
      out.push(`; ${d.queued === d.count ? (d.count === 1 ? 'it was' : 'all were') : `${d.queued} of them were`} published while this client was away: the broker kept ${d.queued === 1 ? 'it' : 'them'} for its session and delivered ${d.queued === 1 ? 'it' : 'them'} when it connected again`);
      if (d.heldMs !== undefined) out.push(`, ${d.heldMs.count === 1 ? ms(d.heldMs.max) : `up to ${ms(d.heldMs.max)}`} after the publisher's message`);
    }
    out.push('.');
    return out;
  },
  otherMqtt: (run, w) => [run.direction === 'client' ? '' : 'The broker sends ', ...(run.direction === 'client' ? who(w) : []),
    run.direction === 'client' ? ` sends ${run.type}` : `${run.type} to `, ...(run.direction === 'client' ? [] : who(w)),
    `${run.count > 1 ? ` ${run.count} times` : ''} ${MQTT_PURPOSE[run.type] ?? ''} (${frames(run.frames, run.count)})`,
    run.latencyMs !== undefined ? `, ${ms(run.latencyMs.mean)}${run.latencyMs.count > 1 ? ' on average' : ''} after the packet it answers.` : '.'],
  retransmissions: (r) => {
    const out: Inline[] = [`TCP retransmissions: ${plural(r.total, 'segment')} sent again (${frames(r.frames, r.total)}).`];
    if (r.syn > 0) out.push(` ${r.syn} ${r.syn === 1 ? 'is a SYN' : 'are SYNs'}: the first attempt got no answer in time, which delays the connection by the retry timer (harmful when it repeats: the broker may be unreachable or overloaded).`);
    if (r.data > 0) out.push(` ${r.data} carried data: the first copy or its ACK was lost or late; TCP repaired it and MQTT received each packet once, but later than it would have (harmful when frequent: messages are delayed).`);
    if (r.other > 0) out.push(` ${r.other} carried no data (FIN or ACK again): harmless.`);
    return out;
  },
  teardown: (c, w) => {
    const out: Inline[] = [];
    const late = c.disconnect?.late === true;
    if (late) out.push(...who(w), ' sends no DISCONNECT before the connection is closed; ');
    else if (c.disconnect?.unread !== undefined) {
      out.push(...who(w), ` sends DISCONNECT (frame ${c.disconnect.unread}), but the broker sends its own DISCONNECT (frame ${c.disconnect.frame}${reasonWords(c.disconnect.reasonCode)}) after it: it did not take the client's as its goodbye, it ended the session on an earlier packet; `);
    } else if (c.disconnect?.by === 'server') out.push('The broker sends DISCONNECT to ', ...who(w), ` (frame ${c.disconnect.frame}${reasonWords(c.disconnect.reasonCode)}); `);
    else if (c.disconnect !== undefined) out.push(...who(w), ` sends DISCONNECT (frame ${c.disconnect.frame}); `);
    else if (c.mqtt && c.transport !== 'tls' && (c.fins.length > 0 || c.reset !== undefined)) out.push(...who(w), ' sends no DISCONNECT; ');
    else if (c.transport === 'tls') out.push('The TLS connection of ', ...who(w), ' ends: ');
    if (c.reset !== undefined && (c.fins.length === 0 || c.reset.frame < c.fins[0]!.frame)) {
      out.push(`the connection is reset with RST by ${c.reset.by === 'server' ? 'the broker' : 'the client'} (frame ${c.reset.frame}).`);
    } else if (c.fins.length > 0) {
      const first = c.fins[0]!;
      out.push(`${first.by === 'server' ? 'the broker' : 'the client'} closes first with FIN (frame ${first.frame})`);
      const second = c.fins[1];
      if (second !== undefined) out.push(`, and ${second.by === 'server' ? 'the broker' : 'the client'} answers with its own FIN (frame ${second.frame}).`);
      else if (c.reset !== undefined) out.push(`, and ${c.reset.by === 'server' ? 'the broker' : 'the client'} then resets the connection with RST (frame ${c.reset.frame}).`);
      else out.push('; the other side\'s FIN is not in the capture.');
    } else {
      if (c.disconnect !== undefined) out.push('the TCP connection is still open when the capture ends.');
      else out.push('The connection of ', ...who(w), ' is still open when the capture ends.');
    }
    if (late) {
      out.push(` ${c.disconnect!.by === 'client' ? 'Its' : 'The broker\'s'} DISCONNECT (frame ${c.disconnect!.frame}) comes only after that first close, so it did not end the session.`);
    }
    if (c.sessionEnd === 'taken-over') out.push(' The broker closed it because another connection logged in with the same client id (session taken over).');
    return out;
  },
  acks: (a) => {
    if (a.dataSegments === 0) return [];
    const out: Inline[] = [`TCP ACKs: ${a.acknowledged} of ${plural(a.dataSegments, 'data segment')} ${a.acknowledged === 1 ? 'was' : 'were'} acknowledged, ${a.byPureAck} by a pure ACK and ${a.piggybacked} by the ACK number of a segment going the other way`];
    if (a.delayMs !== undefined) out.push(`, within ${ms(a.delayMs.max)}`);
    out.push('.');
    if (a.example !== undefined) {
      const e = a.example;
      out.push(` For example, in frame ${e.frame} ${e.by === 'server' ? 'the broker' : 'the client'} acknowledges the ${e.ackedType} of frame ${e.ackedFrame} (Ack=${e.relAck}: every byte before ${e.relAck} has arrived).`);
    }
    if (a.delayedCount > 0) {
      out.push(` ${plural(a.delayedCount, 'ACK')} came 30 ms or more after the data (${frames(a.delayed.map((d) => d.frame), a.delayedCount)}): TCP's delayed ACK, where the receiver waits for data to send back; harmless.`);
    }
    if (a.acknowledged < a.dataSegments) out.push(` The ACK of ${a.dataSegments - a.acknowledged} segment(s) is not in the capture (the capture ended, or the connection closed first).`);
    return out;
  },
  otherTraffic: (byProtocol, otherTcp) => {
    const parts = Object.entries(byProtocol).map(([p, n]) => `${plural(n, `${p.toUpperCase()} frame`)}`);
    if (otherTcp > 0) parts.push(plural(otherTcp, 'TCP connection') + ' that carried no MQTT');
    if (parts.length === 0) return [];
    return [`Unrelated traffic: ${parts.join(', ')}; it plays no part in the MQTT exchange.`];
  },
  stepsNotTold: (n) => [`… and ${plural(n, 'more step')}, not told one by one; the tables below cover the whole capture.`],
  notListed: (n) => `… and ${n} more, not listed.`,
  hostTable: { header: ['IP', 'MAC', 'Role', 'Client ids', 'Frames sent'], noMac: '' },
  sessionTable: {
    header: ['Stream', 'Client', 'Client id', 'MQTT', 'Keep-alive (s)', 'Clean session', 'CONNACK', 'CONNACK latency (ms)'],
    inferred: 'inferred', accepted: 'accepted', refused: (c) => `refused (${c})`, none: 'none', transport: (t) => (t === 'tcp' ? '' : t === 'tls' ? 'TLS' : 'WebSocket'),
  },
  topicTable: { header: ['Topic', 'Published', 'Delivered', 'Publishers', 'Subscribers'] },
  latencyTable: { header: ['Kind', 'Count', 'Min (ms)', 'Median (ms)', 'p95 (ms)', 'Max (ms)'], forwarding: 'broker forwarding (PUBLISH → PUBLISH)', requestResponse: 'MQTT 5 request → response (PUBLISH → PUBLISH)', handshake: 'TCP handshake (SYN → ACK)',
    answeredBy: { broker: 'answered by the broker', subscriber: 'answered by subscribers', publisher: 'answered by publishers' } },
  findingsNone: 'No findings: nothing unusual or wrong was seen.',
  causes: 'Likely causes:',
  checks: 'What to check:',
  finding: (g) => {
    const known = (FINDING_CODES as Record<string, { text: string }>)[g.code]?.text;
    return known !== undefined ? [known] : [data(g.summary)];
  },
  timelineTable: {
    header: ['Frame', 'Time (s)', 'Source', 'Destination', 'Protocol', 'Description'],
    note: (shown, notShown, file) => `The first ${shown} events are shown; ${notShown} more are left out. The whole timeline: mqtt-pcap analyze ${file}`,
  },
  describe: (e) => describeEvent(e, EVENT_WORDS),
  emptyClientId: (rule) => EVENT_WORDS.emptyClientId(rule),
  mermaidIntro: ['The exchange as a sequence diagram (Mermaid: GitHub, GitLab and VS Code draw it); repeated messages are drawn once in a loop.'],
  flowCaption: 'Flow graph: hosts as columns, one arrow per frame, frame numbers and times on the left; dashed arrows are PUBLISH messages the broker forwards.',
  rateCaption: 'MQTT messages per second, by packet type (Wireshark\'s I/O graph for MQTT).',
  figureLinks: (flow, rate) => ['Pictures next to this report: ', { link: 'flow graph', href: flow }, ' and ', { link: 'messages per second', href: rate }, '.'],
  diagram: {
    forwarded: (d) => `forwarded${d !== undefined ? `, ${ms(d)}` : ''}`,
    held: (d) => `kept for the session${d !== undefined ? `, ${ms(d)}` : ''}`,
    repeated: (n, i) => `× ${n}${i !== undefined ? `, every ${seconds(i)}` : ''}`,
    acksNote: 'TCP ACK after each segment',
    arpAsk: (ip) => `ARP: who has ${ip}?`,
    arpAnswer: (mac) => `ARP: is at ${mac}`,
    handshake: (rtt) => `TCP handshake SYN, SYN-ACK, ACK${rtt !== undefined ? ` (RTT ${ms(rtt)})` : ''}`,
    emptyClientId: 'client id empty',
    clearsRetained: 'clears retained',
    clearsRetainedMessage: 'retained, empty payload: clears the topic\'s retained message',
    flowTitle: 'Flow graph',
    flowMore: (n) => `${plural(n, 'more frame')} not drawn`,
    rateTitle: 'MQTT messages per second by type',
    rateAxis: 'messages',
    rateUnit: (s) => (s === 1 ? 'per second' : `per ${s} s`),
    timeAxis: 'time (s)',
  },
};

function portOfClient(endpoint: string): string {
  return endpoint.slice(endpoint.lastIndexOf(':') + 1);
}

/** The words of a timeline row (describe.ts builds it). */
const EVENT_WORDS: EventWords = {
  ms,
  finding: (e) => EN.finding({ code: e.code, severity: e.severity, count: 1, frames: [e.frame], summary: e.summary, first: e }),
  connectionOpened: (stream) => `TCP connection ${stream} opened`,
  connectionEnded: (stream) => `TCP connection ${stream} ended`,
  endReason: (reason) => reason,
  closedBy: (side) => `, closed by the ${side === 'server' ? 'server' : 'client'}`,
  sessionStarted: 'MQTT session started',
  emptyClientId: (rule) => (rule === 'assigned' ? 'empty (the broker assigns one)' : rule === 'persistent-refused' ? 'empty (not allowed with clean session 0)' : 'empty (MQTT 3.1 needs 1 to 23 characters)'),
  sessionEnded: 'MQTT session ended',
  sessionNeverStarted: (refused) => (refused ? 'MQTT session refused by the broker, never started; connection ended' : 'MQTT session never started (its CONNECT got no CONNACK); connection ended'),
  whoHas: (target, sender) => `Who has ${target}? Tell ${sender}`,
  isAt: (sender, mac) => `${sender} is at ${mac}`,
  tcp: { acknowledges: (relAck) => `acknowledges bytes before ${relAck}`, closes: 'closes its side', reset: 'reset' },
  retransmission: 'retransmission',
  duplicateAck: 'duplicate ACK',
  outOfOrder: 'out of order',
  notMqtt: 'not MQTT',
  version,
  secondsUnit: 's',
  connack: connackText,
  binaryPayload: (length) => `(${length} bytes, binary)`,
  clearsRetained: '(retained, empty payload: clears the topic\'s retained message)',
  forwardedFrom: (frame, delayMs) => `forwarded from frame ${frame}${delayMs !== undefined ? ` after ${ms(delayMs)}` : ''}`,
  willOf: (clientId, frame, delayMs, takeoverFrame) => `the Will of client ${clientId} (CONNECT, frame ${frame})${delayMs !== undefined ? `, ${ms(delayMs)} after ${takeoverFrame !== undefined ? `the CONNECT of frame ${takeoverFrame} took its client id over` : 'its connection ended'}` : ''}`,
  grants: (qos) => `grants ${qosList(qos)}`,
  afterFrame: (latencyMs, frame) => `${ms(latencyMs)} after frame ${frame}`,
  malformed: 'malformed',
};

/** What the bytes of a Latin-1 payload stand for, and what a UTF-8 reader makes of them (report facts' `latin1`). */
function legacyWords(latin1: Array<{ byte: string; char: string }>): Inline[] {
  if (latin1.length === 0) return [];
  const chars = latin1.map((x) => `\\x${x.byte} is '${x.char}'`).join(', ');
  const utf8 = latin1.map((x) => `'${x.char}' as ${utf8Hex(x.char)}`).join(', ');
  return [`: ${chars} in Latin-1 (Windows-1252), which UTF-8 writes with 2 bytes (${utf8}); a subscriber that decodes the payload as UTF-8 (Python: `, code('msg.payload.decode()'), ') fails on it'];
}

/** A character's UTF-8 bytes in hex, spaced ("c2 b0"). */
function utf8Hex(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
