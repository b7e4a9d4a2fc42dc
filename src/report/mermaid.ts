/**
 * The Mermaid `sequenceDiagram` of the story: hosts as participants labelled with role and IP (publishers, the
 * broker, subscribers, left to right), one message per step, a run of PUBLISHes and the broker's forwarding of them
 * drawn once inside a `loop` block ("× 5, every 0.77 s"). Every text goes through mermaidText. No layout decisions
 * beyond the order the story gives.
 */
import { mermaidLabel, mermaidText } from './escape.js';
import { emptyClientIdRule } from '../mqtt/empty-client-id.js';
import { clearsRetainedRun, type ConnectionFact, type ReportFacts } from './facts.js';
import type { StoryStep } from './story.js';
import type { Words } from './words.js';

export function renderMermaid(facts: ReportFacts, steps: StoryStep[], w: Words): string {
  const ids = new Map<string, string>();
  const lines: string[] = ['sequenceDiagram'];
  facts.flow.columns.forEach((ip, i) => {
    const host = facts.hosts.find((h) => h.ip === ip);
    const id = `H${i + 1}`;
    ids.set(ip, id);
    const role = host !== undefined && host.roles.length > 0 ? `${host.roles.map((r) => w.role(r)).join('/')} ` : '';
    const clients = host !== undefined && host.clientIds.length > 0 ? ` (${host.clientIds.join(', ')})` : '';
    lines.push(`    participant ${id} as ${mermaidLabel(`${role}${ip}${clients}`)}`);
  });
  const idOf = (ip: string): string => {
    let id = ids.get(ip);
    if (id === undefined) {
      id = `H${ids.size + 1}`;
      ids.set(ip, id);
      lines.splice(ids.size, 0, `    participant ${id} as ${mermaidLabel(ip)}`);
    }
    return id;
  };
  const msg = (from: string, to: string, text: string, reply = false, indent = '    '): void => {
    lines.push(`${indent}${idOf(from)}${reply ? '-->>' : '->>'}${idOf(to)}: ${mermaidText(text)}`);
  };
  const at = (frame: number): string => ` (frame ${frame})`;
  let acksNoted = false;
  for (const step of steps) {
    switch (step.kind) {
      case 'arp': {
        const a = step.arp;
        msg(a.askerIp, a.targetIp, `${w.diagram.arpAsk(a.targetIp)}${at(a.requestFrame)}`);
        if (a.replyFrame !== undefined && a.targetMac !== undefined) msg(a.targetIp, a.askerIp, `${w.diagram.arpAnswer(a.targetMac)}${at(a.replyFrame)}`, true);
        break;
      }
      case 'handshake': {
        const c = step.connection;
        if (c.synFrame !== undefined) msg(c.clientIp, c.serverIp, `SYN${at(c.synFrame)}`);
        if (c.synAckFrame !== undefined) msg(c.serverIp, c.clientIp, `SYN-ACK${at(c.synAckFrame)}`, true);
        if (c.handshakeAckFrame !== undefined) msg(c.clientIp, c.serverIp, `ACK, RTT ${w.ms(c.handshakeRttMs ?? 0)}${at(c.handshakeAckFrame)}`);
        break;
      }
      case 'connect': {
        const c = step.connection;
        if (c.connect !== undefined) {
          const id = c.connect.clientId !== '' ? c.connect.clientId : `client id ${w.emptyClientId(emptyClientIdRule(c.connect.protocolVersion, c.connect.cleanSession))}`;
          msg(c.clientIp, c.serverIp, `CONNECT ${id}${at(c.connect.frame)}`);
        }
        if (c.connack !== undefined) {
          const result = c.connack.accepted ? w.sessionTable.accepted : w.sessionTable.refused(c.connack.code);
          msg(c.serverIp, c.clientIp, `CONNACK ${result}${c.connack.latencyMs !== undefined ? `, ${w.ms(c.connack.latencyMs)}` : ''}${at(c.connack.frame)}`, true);
        }
        if (!acksNoted && facts.acks.acknowledged > 0) {
          acksNoted = true;
          lines.push(`    Note over ${idOf(c.clientIp)},${idOf(c.serverIp)}: ${mermaidText(w.diagram.acksNote)}`);
        }
        break;
      }
      case 'subscribe': {
        const c = step.connection;
        const x = step.subscribe;
        msg(c.clientIp, c.serverIp, `SUBSCRIBE ${x.subscriptions.map((y) => `${y.topic} QoS ${y.qos}`).join(', ')}${at(x.frame)}`);
        if (x.ackFrame !== undefined) msg(c.serverIp, c.clientIp, `SUBACK${at(x.ackFrame)}`, true);
        break;
      }
      case 'publish': {
        const r = step.run;
        const server = serverOf(facts.connections, r.stream);
        const loop = r.count > 1;
        const indent = loop ? '        ' : '    ';
        if (loop) lines.push(`    loop ${mermaidText(`${w.diagram.repeated(r.count, r.interval?.mean)} (frame ${r.firstFrame}–${r.lastFrame})`)}`);
        const payload = clearsRetainedRun(r) ? ` (${w.diagram.clearsRetainedMessage})` : r.payload !== undefined && r.samePayload ? ` "${r.payload.preview}"` : '';
        msg(r.clientIp, server, `PUBLISH ${r.topic} QoS ${r.qos}${payload}${loop ? '' : at(r.firstFrame)}`, false, indent);
        for (const d of step.deliveries) {
          const how = d.queued === d.count ? w.diagram.held(d.heldMs?.mean) : w.diagram.forwarded(d.delayMs?.mean);
          msg(server, d.clientIp, `PUBLISH ${d.topic} (${how})${loop ? ` × ${d.count}` : at(d.firstFrame)}`, false, indent);
        }
        if (loop) lines.push('    end');
        break;
      }
      case 'delivery': {
        const d = step.delivery;
        const server = serverOf(facts.connections, d.stream);
        msg(server, d.clientIp, `PUBLISH ${d.topic}${d.count > 1 ? ` × ${d.count}` : ''}${at(d.firstFrame)}`);
        break;
      }
      case 'other-mqtt': {
        const r = step.run;
        const c = facts.connections.find((x) => x.stream === r.stream);
        if (c === undefined) break;
        const [from, to] = r.direction === 'client' ? [c.clientIp, c.serverIp] : [c.serverIp, c.clientIp];
        msg(from, to, `${r.type}${r.count > 1 ? ` × ${r.count}` : ''}${at(r.firstFrame)}`, r.direction === 'server');
        break;
      }
      case 'retransmissions': {
        const first = facts.flow.columns[0];
        const last = facts.flow.columns[facts.flow.columns.length - 1];
        if (first !== undefined && last !== undefined) {
          lines.push(`    Note over ${idOf(first)},${idOf(last)}: ${mermaidText(`TCP ${facts.retransmissions.total} × retransmission (frame ${facts.retransmissions.frames[0]})`)}`);
        }
        break;
      }
      case 'teardown': {
        // DISCONNECT, FINs and RST in frame order (a DISCONNECT may cross the other side's FIN).
        const c = step.connection;
        const ends = [
          ...(c.disconnect !== undefined ? [{ label: 'DISCONNECT', ...c.disconnect }] : []),
          ...c.fins.map((f) => ({ label: 'FIN', ...f })),
          ...(c.reset !== undefined ? [{ label: 'RST', ...c.reset }] : []),
        ].sort((a, b) => a.frame - b.frame);
        for (const e of ends) {
          const [from, to] = e.by === 'client' ? [c.clientIp, c.serverIp] : [c.serverIp, c.clientIp];
          msg(from, to, `${e.label}${at(e.frame)}`);
        }
        break;
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function serverOf(connections: ConnectionFact[], stream: number): string {
  return connections.find((c) => c.stream === stream)?.serverIp ?? '?';
}
