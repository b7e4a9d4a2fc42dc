/**
 * diag.connack-refused: CONNACKs that refuse the connection, grouped by broker and code, with the code in words
 * (MQTT 3.1/3.1.1 return codes, MQTT 5 reason codes) and what usually causes it. Reads CONNECT and CONNACK packets;
 * a CONNECT that never gets a CONNACK is reachability.ts's. diag.password-guessing: one host refused for its credentials
 * GUESS_ATTEMPTS times or more, fast (a brute force, said with the span, the rate, and the login that finally got in);
 * its refusals are then no part of diag.connack-refused.
 */
import type { FindingEvent, MqttEvent } from '../model/events.js';
import { CONNACK_RETURN_CODES, reasonName } from '../model/names.js';
import { hostOf } from './book.js';
import type { Detector } from './detector.js';
import { FrameSet } from './evidence.js';
import { makeDiagnosis } from './make.js';

/** Refusals of one host for its credentials at least this many times... */
export const GUESS_ATTEMPTS = 20;
/** ...at most this many seconds apart on average: password guessing, not a client retrying now and then. */
export const GUESS_INTERVAL_SECONDS = 2;
/** User names and client ids named per guessing host, at most. */
const GUESS_NAMES = 5;

interface Group {
  server: string;
  /** The refused clients' host (groups are kept per host, and merged per broker and code at the end). */
  host: string;
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
  /** Credential refusals (4/5, 0x86/0x87): their span and user names, and the first login of this host accepted after one, with the same user name. */
  credentials: boolean;
  lastTime: number;
  usernames: Set<string>;
  clientIds: Set<string>;
  acceptedAfter?: { frame: number; time: number; client: string };
}

/** The refusal codes that judge the credentials: a wrong password or user name, or not authorized. */
function isCredentialCode(code: number, version5: boolean): boolean {
  return version5 ? code === 0x86 || code === 0x87 : code === 4 || code === 5;
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
  /** The groups of credential refusals, per host: where an accepted login of that host is looked for. */
  private readonly credentialGroups = new Map<string, Group[]>();

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
    const connect = this.connects.get(e.stream);
    const host = hostOf(e.dst);
    if (e.accepted === true || code === 0) {
      this.accepted(e, host, connect?.username, connect?.clientId);
      return;
    }
    const key = `${e.src}|${version5 ? 5 : 3}|${code}|${host}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      if (this.groups.size >= 10_000) return;
      g = { server: e.src, host, version5, code, clients: new Set(), withoutCredentials: 0, emptyPersistent: 0, emptyV31: 0, count: 0, frames: new FrameSet(), time: 0, firstClient: e.dst,
        credentials: isCredentialCode(code, version5), lastTime: e.time, usernames: new Set(), clientIds: new Set() };
      this.groups.set(key, g);
      if (g.credentials) {
        const list = this.credentialGroups.get(host) ?? [];
        list.push(g);
        this.credentialGroups.set(host, list);
      }
    }
    g.count++;
    if (e.time > g.lastTime) g.lastTime = e.time;
    if (connect?.username !== undefined && g.usernames.size < GUESS_NAMES) g.usernames.add(connect.username);
    if (connect?.clientId !== undefined && connect.clientId !== '' && g.clientIds.size < GUESS_NAMES) g.clientIds.add(connect.clientId);
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

  /** An accepted login: the first one after refusals of the same host for its credentials, with the same user name (or none), is remembered. */
  private accepted(e: MqttEvent, host: string, username: string | undefined, clientId: string | undefined): void {
    const groups = this.credentialGroups.get(host);
    if (groups === undefined) return;
    for (const g of groups) {
      if (g.server !== e.src || g.acceptedAfter !== undefined) continue;
      if (username !== undefined && g.usernames.size > 0 && !g.usernames.has(username)) continue;
      g.acceptedAfter = { frame: e.frame, time: e.time, client: clientId !== undefined && clientId !== '' ? `${clientId} (${host})` : e.dst };
    }
  }

  finish(_ctx: unknown, emit: (finding: FindingEvent) => void): void {
    const perCode = new Map<string, Group>();
    for (const g of this.groups.values()) {
      if (isGuessing(g)) { emit(guessing(g)); continue; }
      // The other hosts' refusals, one diagnosis per broker and code.
      const key = `${g.server}|${g.version5 ? 5 : 3}|${g.code}`;
      const into = perCode.get(key);
      if (into === undefined) { perCode.set(key, { ...g, clients: new Set(g.clients), frames: new FrameSet().merge(g.frames) }); continue; }
      if (g.frames.firstFrame < into.frames.firstFrame) { into.time = g.time; into.firstClient = g.firstClient; }
      into.count += g.count;
      into.withoutCredentials += g.withoutCredentials;
      into.emptyPersistent += g.emptyPersistent;
      into.emptyV31 += g.emptyV31;
      for (const c of g.clients) if (into.clients.size < 20) into.clients.add(c);
      into.frames.merge(g.frames);
    }
    for (const g of perCode.values()) {
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

/** Many refusals of one host for its credentials, fast: a password being guessed. */
function isGuessing(g: Group): boolean {
  return g.credentials && g.count >= GUESS_ATTEMPTS && (g.lastTime - g.time) / (g.count - 1) <= GUESS_INTERVAL_SECONDS;
}

/** diag.password-guessing of one host's refusals. */
function guessing(g: Group): FindingEvent {
  const frames = new FrameSet().merge(g.frames);
  if (g.acceptedAfter !== undefined) frames.add(g.acceptedAfter.frame, g.acceptedAfter.time);
  const span = g.lastTime - g.time;
  return makeDiagnosis({
    code: 'diag.password-guessing', layer: 'mqtt', frames, time: g.time, src: g.firstClient, dst: g.server,
    facts: {
      server: g.server, client: g.host, attempts: g.count, durationSeconds: Number(span.toFixed(6)),
      perSecond: span > 0 ? Number(((g.count - 1) / span).toFixed(1)) : g.count,
      usernames: [...g.usernames], clientIds: [...g.clientIds], withoutCredentials: g.withoutCredentials,
      code: g.version5 ? `0x${g.code.toString(16).padStart(2, '0')}` : String(g.code),
      codeLabel: g.version5 ? 'reason code' : 'return code', codeName: refusalName(g.code, g.version5),
      ...(g.acceptedAfter !== undefined ? { acceptedFrame: g.acceptedAfter.frame, acceptedAt: Number(g.acceptedAfter.time.toFixed(6)), acceptedClient: g.acceptedAfter.client } : {}),
    },
    causes: g.acceptedAfter !== undefined ? ['password-guessed', 'retry-loop'] : ['password-guessing', 'retry-loop'],
    checks: g.acceptedAfter !== undefined ? ['change-password', 'broker-log-auth', 'limit-logins'] : ['broker-log-auth', 'limit-logins', 'which-program'],
  });
}
