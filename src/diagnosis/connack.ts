/**
 * diag.connack-refused: CONNACKs that refuse the connection, grouped by broker and code, with the code in words
 * (MQTT 3.1/3.1.1 return codes, MQTT 5 reason codes) and what usually causes it. Reads CONNECT and CONNACK packets;
 * a CONNECT that never gets a CONNACK is reachability.ts's.
 */
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { CONNACK_RETURN_CODES, reasonName } from '../model/names.js';
import { hostOf } from './book.js';
import type { Detector } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

interface Group {
  server: string;
  version5: boolean;
  code: number;
  clients: Set<string>;
  withoutCredentials: number;
  /** CONNECTs with an empty client id: MQTT 3.1.1 with clean session 0, and MQTT 3.1. */
  emptyPersistent: number;
  emptyV31: number;
  count: number;
  frames: FrameSet;
  time: number;
  firstClient: string;
}

/** Causes and checks of a refusal code. */
export function refusalAdvice(code: number, version5: boolean, anonymous: boolean): { causes: string[]; checks: string[] } {
  const credentials = { causes: anonymous ? ['anonymous-not-allowed', 'bad-credentials', 'acl-denies'] : ['bad-credentials', 'anonymous-not-allowed', 'acl-denies'], checks: ['credentials', 'allow-anonymous', 'acl-file'] };
  const v3: Record<number, { causes: string[]; checks: string[] }> = {
    1: { causes: ['protocol-version'], checks: ['protocol-version'] },
    2: { causes: ['client-id-rejected'], checks: ['client-id'] },
    3: { causes: ['server-unavailable'], checks: ['broker-log'] },
    4: credentials,
    5: credentials,
  };
  if (!version5) return v3[code] ?? { causes: ['server-unavailable'], checks: ['broker-log'] };
  if (code === 0x84) return v3[1]!;
  if (code === 0x85) return v3[2]!;
  if (code === 0x86 || code === 0x87) return credentials;
  // Bad authentication method: the CONNECT's Authentication Method (MQTT 5 enhanced authentication) is one the broker
  // does not offer; a user name and password are not what is refused.
  if (code === 0x8c) return { causes: ['auth-method', 'acl-denies'], checks: ['auth-method', 'broker-log'] };
  if (code === 0x88 || code === 0x89 || code === 0x9c || code === 0x9d) return v3[3]!;
  if (code >= 0x80 && code <= 0x83) return { causes: ['malformed-connect', 'protocol-version'], checks: ['connect-packet', 'broker-log'] };
  return { causes: ['broker-limit'], checks: ['broker-log'] };
}

export function refusalName(code: number, version5: boolean): string {
  if (version5) return reasonName(code).toLowerCase();
  const name = CONNACK_RETURN_CODES[code];
  return name === undefined ? `return code ${code}` : name.replace(/^Connection Refused: /, '');
}

export class ConnackDetector implements Detector {
  private readonly connects = new Map<number, { clientId?: string; username?: string; frame: number; time: number; level?: number; clean?: boolean }>();
  private readonly groups = new Map<string, Group>();

  readonly mqttTypes = ['CONNECT', 'CONNACK'] as const;

  mqtt(e: MqttEvent): void {
    if (e.type === 'CONNECT') {
      this.connects.set(e.stream, { frame: e.frame, time: e.time, ...(e.clientId !== undefined ? { clientId: e.clientId } : {}), ...(e.username !== undefined ? { username: e.username } : {}),
        ...(e.protocolVersion !== undefined ? { level: e.protocolVersion } : {}), ...(e.cleanSession !== undefined ? { clean: e.cleanSession } : {}) });
    } else if (e.type === 'CONNACK') {
      this.connack(e);
      this.connects.delete(e.stream);
    }
  }

  private connack(e: MqttEvent): void {
    const version5 = e.protocolVersion === 5 || e.reasonCode !== undefined;
    const code = version5 ? e.reasonCode ?? e.returnCode ?? 0 : e.returnCode ?? 0;
    if (e.accepted === true || code === 0) return;
    const connect = this.connects.get(e.stream);
    const key = `${e.src}|${version5 ? 5 : 3}|${code}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      if (this.groups.size >= 1000) return;
      g = { server: e.src, version5, code, clients: new Set(), withoutCredentials: 0, emptyPersistent: 0, emptyV31: 0, count: 0, frames: new FrameSet(), time: 0, firstClient: e.dst };
      this.groups.set(key, g);
    }
    g.count++;
    const name = connect?.clientId !== undefined && connect.clientId !== '' ? `${connect.clientId} (${hostOf(e.dst)})` : e.dst;
    if (g.clients.size < 20) g.clients.add(name);
    if (connect !== undefined && connect.username === undefined) g.withoutCredentials++;
    // An empty client id: MQTT 3.1.1 takes one only with clean session 1 (MQTT-3.1.3-8); MQTT 3.1 needs 1 to 23 characters.
    if (connect?.clientId === '' && connect.level === 3) g.emptyV31++;
    else if (connect?.clientId === '' && connect.level === 4 && connect.clean === false) g.emptyPersistent++;
    // The group is timed at its evidence's first frame: the first refused client's CONNECT (its CONNACK without one).
    const first = connect ?? e;
    if (g.frames.count === 0 || first.frame < g.frames.firstFrame) g.time = first.time;
    if (connect !== undefined) g.frames.add(connect.frame);
    g.frames.add(e.frame);
  }

  finish(_ctx: unknown, emit: (finding: FindingEvent) => void): void {
    for (const g of this.groups.values()) {
      const advice = refusalAdvice(g.code, g.version5, g.withoutCredentials > g.count / 2);
      emit(makeDiagnosis({
        code: 'diag.connack-refused', layer: 'mqtt', frames: g.frames, time: g.time, src: g.server, dst: g.firstClient,
        facts: {
          server: g.server, code: g.version5 ? `0x${g.code.toString(16).padStart(2, '0')}` : String(g.code),
          codeLabel: g.version5 ? 'reason code' : 'return code', codeName: refusalName(g.code, g.version5),
          version: g.version5 ? '5.0' : '3.1.1', count: g.count, clients: [...g.clients], withoutCredentials: g.withoutCredentials,
          ...(g.emptyPersistent > 0 ? { emptyIdPersistent: g.emptyPersistent } : {}), ...(g.emptyV31 > 0 ? { emptyIdV31: g.emptyV31 } : {}),
        },
        causes: advice.causes, checks: advice.checks,
      }));
    }
  }
}
