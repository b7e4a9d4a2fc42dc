/**
 * Test helper: does this machine have the programs a test needs (tshark, tcpdump, mosquitto, ethtool, root and
 * `ip netns`, chromium, ...)? On a developer's machine a test that lacks one is skipped with one line naming the tool
 * and how to get it; in CI (`CI` set, not "false"/"0") a missing tool is a failure, so a green CI means every test ran.
 *
 *   test('agrees with tshark', (t) => {
 *     if (!requireTools(t, ['tshark'])) return;   // skipped (or, in CI, failed) with one line; later steps not run
 *     ...
 *   });
 *
 * For a test whose subtests all need the tools, call it first in the parent test and return: the subtests are then
 * never registered, so none of them fails. `toolsSkip(tools)` gives a skip reason for `test(name, { skip }, fn)`
 * (undefined in CI, so the test runs and fails on the missing tool). Does not install anything: the hint says how.
 *
 * Skip reasons start with "needs " so that test/helpers/skip-summary.ts can list them again at the end of `npm test`.
 */
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Programs looked up on PATH (and in the sbin folders, as the lab script adds them), plus three conditions. */
export type Tool =
  | 'tshark' | 'dumpcap' | 'editcap' | 'capinfos' | 'tcpdump'
  | 'mosquitto' | 'mosquitto_pub' | 'mosquitto_sub' | 'mosquitto_passwd'
  | 'ip' | 'ss' | 'sysctl' | 'ethtool' | 'openssl' | 'gzip' | 'unshare'
  | 'chromium' | 'xmllint' | 'tmux' | 'python3' | 'git' | 'dnsmasq'
  /** python3 with paho-mqtt importable (the lab's publisher). */
  | 'paho-mqtt'
  /** running as root (the namespace lab). */
  | 'root'
  /** `ip netns` usable (iproute2 and a kernel/container that allows network namespaces). */
  | 'netns';

/** Every tool the namespace lab (fixtures/lab/capture.sh) uses. */
export const LAB_TOOLS: readonly Tool[] = [
  'root', 'netns', 'ip', 'ethtool', 'sysctl', 'tcpdump', 'dumpcap', 'editcap', 'mosquitto', 'mosquitto_passwd',
  'mosquitto_pub', 'mosquitto_sub', 'python3', 'paho-mqtt', 'openssl', 'gzip', 'tshark', 'dnsmasq',
];

/** How to get each tool on Debian. */
const HOW: Record<Tool, string> = {
  tshark: 'apt-get install tshark',
  dumpcap: 'apt-get install wireshark-common',
  editcap: 'apt-get install wireshark-common',
  capinfos: 'apt-get install wireshark-common',
  tcpdump: 'apt-get install tcpdump',
  mosquitto: 'apt-get install mosquitto',
  mosquitto_passwd: 'apt-get install mosquitto',
  mosquitto_pub: 'apt-get install mosquitto-clients',
  mosquitto_sub: 'apt-get install mosquitto-clients',
  ip: 'apt-get install iproute2',
  ss: 'apt-get install iproute2',
  sysctl: 'apt-get install procps',
  ethtool: 'apt-get install ethtool',
  openssl: 'apt-get install openssl',
  gzip: 'apt-get install gzip',
  unshare: 'apt-get install util-linux',
  chromium: 'apt-get install chromium',
  xmllint: 'apt-get install libxml2-utils',
  tmux: 'apt-get install tmux',
  python3: 'apt-get install python3',
  git: 'apt-get install git',
  dnsmasq: 'apt-get install dnsmasq-base',
  'paho-mqtt': 'apt-get install python3-paho-mqtt',
  root: 'run the tests as root (sudo npm test)',
  netns: 'needs root, iproute2 and a kernel that allows network namespaces (not an unprivileged container)',
};

/** Folders searched besides PATH: Debian keeps ip, ethtool, mosquitto and sysctl there, off a user's PATH. */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** True when running in CI, where a missing tool must fail the run instead of skipping tests. */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The full path of an executable found on PATH or in the sbin folders, or undefined. */
export function whichTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== ''), ...SBIN];
  for (const dir of dirs) {
    const full = path.join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

const cache = new Map<Tool, boolean>();

function probe(tool: Tool): boolean {
  switch (tool) {
    case 'root':
      return typeof process.getuid === 'function' && process.getuid() === 0;
    case 'netns': {
      const ip = whichTool('ip');
      if (ip === undefined || !present('root')) return false;
      const r = spawnSync(ip, ['netns', 'list'], { stdio: 'ignore', timeout: 10_000 });
      return r.error === undefined && r.status === 0;
    }
    case 'paho-mqtt': {
      // As the lab script does: the system python first (Debian's python3-paho-mqtt), then python3 on PATH.
      return ['/usr/bin/python3', whichTool('python3')].some((py) => {
        if (py === undefined) return false;
        const r = spawnSync(py, ['-c', 'import paho.mqtt.client'], { stdio: 'ignore', timeout: 20_000 });
        return r.error === undefined && r.status === 0;
      });
    }
    default:
      return whichTool(tool) !== undefined;
  }
}

function present(tool: Tool): boolean {
  let ok = cache.get(tool);
  if (ok === undefined) {
    ok = probe(tool);
    cache.set(tool, ok);
  }
  return ok;
}

/** The tools of `tools` this machine lacks, in the order given. */
export function missingTools(tools: readonly Tool[]): Tool[] {
  return tools.filter((tool) => !present(tool));
}

/**
 * One line naming what is missing and how to get it, e.g.
 * `needs ethtool, mosquitto: apt-get install ethtool; apt-get install mosquitto (or: sudo bash .ci/install-deps.sh)`.
 */
export function missingLine(missing: readonly Tool[]): string {
  const how = [...new Set(missing.map((tool) => HOW[tool]))].join('; ');
  return `needs ${missing.join(', ')}: ${how} (or all lab tools at once: sudo bash .ci/install-deps.sh)`;
}

/** The skip reason when a tool is missing outside CI; undefined when all are present, or in CI (the test then fails). */
export function toolsSkip(tools: readonly Tool[]): string | undefined {
  const missing = missingTools(tools);
  if (missing.length === 0 || inCi()) return undefined;
  return missingLine(missing);
}

/** What requireTools needs of a test context (node:test's TestContext has it). */
export interface SkippableTest {
  skip(message?: string): void;
}

/**
 * True when every tool is here. Otherwise, outside CI: marks the test skipped with one line naming the missing tools
 * and how to get them, and returns false (the caller returns). In CI: throws, failing the test.
 */
export function requireTools(t: SkippableTest, tools: readonly Tool[]): boolean {
  const missing = missingTools(tools);
  if (missing.length === 0) return true;
  const line = missingLine(missing);
  if (inCi()) throw new Error(`missing in CI (CI=${process.env.CI}): ${line}`);
  t.skip(line);
  return false;
}
