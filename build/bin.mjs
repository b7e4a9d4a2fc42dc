#!/usr/bin/env node
/**
 * dist/src/mqtt-pcap/mqtt-pcap.mjs (copied by build/bundle.mjs): the command under its round-four name, for the
 * scripts and tests that name it. It runs mqtt-pcap.cjs (build/bin.cjs, the package's bin) and nothing else; as the
 * process's entry an ES module costs Node's ESM loader (≈ 10 ms), which the .cjs does not.
 */
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./mqtt-pcap.cjs').runAsCommand();
