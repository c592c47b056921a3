#!/usr/bin/env node
// npm run test:scaled [-- vitest args]: the test suite against the scaled topology (SPEC 7.4).
// Loads .infra/scaled.env (written by `npm run infra:up -- --topology scaled`) into the environment
// and runs vitest with vitest.scaled.config.ts; test/global-setup.ts then checks those ports.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(ROOT, '.infra', 'scaled.env');
if (!fs.existsSync(file)) {
  process.stderr.write('test:scaled: .infra/scaled.env is missing. Run `npm run infra:up -- --topology scaled` first.\n');
  process.exit(2);
}
const env = { ...process.env };
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
  if (m) env[m[1]] = m[2];
}
process.stdout.write(`test:scaled: ${['REDIS_CLUSTER_NODES', 'KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_READ_URLS'].map((k) => `${k}=${env[k]}`).join(' ')}\n`);
// Phase 1: the suite. Phase 2: test/scaled/ alone, one file at a time: the fault tests (they stop and
// restart nodes the suite uses) and the tests of cluster-only code paths. With file arguments, one phase runs those files: phase 2 when all are under test/scaled/.
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const phases = files.length === 0 ? ['0', '1'] : [files.every((f) => f.includes('test/scaled/')) ? '1' : '0'];
let status = 0;
for (const faults of phases) {
  process.stdout.write(`test:scaled: ${faults === '1' ? 'fault and cluster-only tests (test/scaled/, one at a time)' : 'the suite'}\n`);
  const r = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.scaled.config.ts', ...args], { cwd: ROOT, env: { ...env, SCALED_FAULTS: faults }, stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
