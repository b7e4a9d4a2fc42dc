/**
 * Test helper: where the repository, its fixtures and the shared corpus are, and which captures they hold.
 * The corpus MANIFEST's DECODE-AS notes give the non-standard MQTT ports tshark must be told about.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.join(repoRoot, 'fixtures');
/** The public corpus: MQTT_PCAP_CORPUS, or ../shared/corpus beside the repository. */
export const corpusDir = path.resolve(repoRoot, process.env.MQTT_PCAP_CORPUS ?? '../shared/corpus');
/** Where the corpus comes from, for the line that says its tests were skipped. */
export const corpusOrigin = `the public corpus is not at ${corpusDir}: it is the project's shared folder of public MQTT `
  + 'captures (../shared/corpus beside the repository; MANIFEST.md names the repository, path and commit of each, from '
  + 'suricata-verify, Zeek, nDPI, Arkime and others); set MQTT_PCAP_CORPUS=DIR to use a copy elsewhere';
export const corpusMissing = existsSync(corpusDir) ? undefined : `corpus not present (looked in ${corpusDir})`;

const CAPTURE = /\.(pcap|pcapng|cap)(\.gz)?$/;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (CAPTURE.test(name)) out.push(full);
  }
  return out;
}

export interface CaptureCase {
  file: string;
  /** Short name for test titles. */
  name: string;
  /** Non-standard MQTT ports (tshark -d tcp.port==P,mqtt; our --port P). */
  ports: number[];
}

function manifestPorts(): Map<string, number[]> {
  const ports = new Map<string, number[]>();
  const manifest = path.join(corpusDir, 'MANIFEST.md');
  if (!existsSync(manifest)) return ports;
  for (const line of readFileSync(manifest, 'utf8').split('\n')) {
    const file = /^\|\s*\d+\s*\|\s*`([^`]+)`/.exec(line)?.[1];
    if (file === undefined) continue;
    const found = [...line.matchAll(/tcp\.port==(\d+),mqtt/g)].map((m) => Number(m[1]));
    if (found.length > 0) ports.set(file, [...new Set(found)]);
  }
  return ports;
}

export function corpusCaptures(): CaptureCase[] {
  const ports = manifestPorts();
  return walk(corpusDir).map((file) => {
    const rel = path.relative(corpusDir, file);
    return { file, name: `corpus/${rel}`, ports: ports.get(rel) ?? [] };
  });
}

export function fixtureCaptures(): CaptureCase[] {
  return walk(fixturesDir).filter((f) => !f.includes(`${path.sep}lab${path.sep}`) || true).map((file) => {
    const rel = path.relative(fixturesDir, file);
    const ports = /nonstandard|1884/.test(rel) ? [1884] : [];
    return { file, name: `fixtures/${rel}`, ports };
  });
}
