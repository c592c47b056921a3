#!/usr/bin/env node
// npm run infra:down — stops only the services that `npm run infra:up` started itself
// (recorded in .infra/started.json): SIGTERM, then SIGKILL after 15 s. Services that were
// already running before infra:up are left alone. Kafka data stays in .infra/kafka/data.

import fs from 'node:fs';
import path from 'node:path';
import { STARTED_FILE, cmdline, isAlive, log, stopKafka, terminate } from './kafka.mjs';
import { downScaled } from './scaled.mjs';

const KILL_AFTER_MS = 15_000;

async function stopOne(name, entry) {
  if (name === 'scaled') {
    // the scaled topology's nodes are found by their pid files (fault tests restart them with new pids)
    const lines = await downScaled();
    const bad = lines.filter((l) => !l.ok);
    if (bad.length) throw new Error(bad.map((l) => l.text).join('; '));
    return lines.map((l) => l.text).join('; ');
  }
  if (name === 'kafka') {
    const r = await stopKafka({ killAfterMs: KILL_AFTER_MS });
    return r.stopped ? `stopped (pid ${r.pid}) in ${(r.ms / 1000).toFixed(1)} s` : 'was not running';
  }
  const pid = entry?.pid;
  if (!isAlive(pid)) return 'was not running';
  const cl = cmdline(pid);
  const expected = path.basename(entry.cmd || name);
  if (cl && !cl.includes(expected)) return `pid ${pid} is now '${cl}', not ${expected}: left alone`;
  const t0 = Date.now();
  await terminate(pid, { signal: 'SIGTERM', killAfterMs: KILL_AFTER_MS });
  return `stopped (pid ${pid}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

async function main() {
  let started;
  try {
    started = JSON.parse(fs.readFileSync(STARTED_FILE, 'utf8'));
  } catch {
    log('nothing to stop (infra:up started no service)');
    return;
  }
  const names = Object.keys(started);
  if (!names.length) {
    log('nothing to stop (infra:up started no service)');
    fs.rmSync(STARTED_FILE, { force: true });
    return;
  }
  const results = await Promise.allSettled(names.map((n) => stopOne(n, started[n])));
  const left = {};
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') log(`${names[i]}: ${r.value}`);
    else {
      left[names[i]] = started[names[i]];
      process.stderr.write(`infra: ${names[i]}: could not stop: ${r.reason?.message || r.reason}\n`);
    }
  });
  if (Object.keys(left).length) {
    fs.writeFileSync(STARTED_FILE, `${JSON.stringify(left, null, 2)}\n`);
    process.exit(1);
  }
  fs.rmSync(STARTED_FILE, { force: true });
}

main().catch((e) => {
  process.stderr.write(`infra: ${e.stack || e}\n`);
  process.exit(1);
});
