#!/usr/bin/env node
// npm run infra:up — makes MySQL-compatible DB (127.0.0.1:3306), Redis (127.0.0.1:6379) and a
// single-node Apache Kafka in KRaft mode (127.0.0.1:9092) answer, then creates the SPEC topics.
//
// Services that already answer are reused and left alone. The rest are started: mariadbd and
// redis-server from Debian packages (apt-get installed when absent), Kafka from Maven Central
// jars (see scripts/infra/kafka.mjs). What this script started is recorded in
// .infra/started.json so that `npm run infra:down` stops exactly that and nothing else.
// Idempotent: running it again only re-checks.
//
// `npm run infra:up -- --topology scaled` also brings up, beside those, the scaled topology of SPEC 7.4
// (scripts/infra/scaled.mjs): Redis Cluster 7101-7106, Kafka 29092-29094, MariaDB 3308 -> replica 3307,
// and writes .infra/scaled.env.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  INFRA_DIR,
  KAFKA_HOST,
  KAFKA_PORT,
  STARTED_FILE,
  TOPICS,
  cmdline,
  ensureCommand,
  ensureTopics,
  isAlive,
  kafkaPid,
  log,
  portAnswers,
  run,
  sleep,
  startKafka,
  which,
} from './kafka.mjs';
import { upScaled, usage as scaledUsage } from './scaled.mjs';

const HOST = '127.0.0.1';
const DB_PORT = 3306;
const REDIS_PORT = 6379;
const DB_NAME = 'concert';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function readStarted() {
  try {
    return JSON.parse(fs.readFileSync(STARTED_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** Is the service recorded by an earlier infra:up still the process we started? */
function stillOurs(name, entry) {
  if (!entry) return false;
  if (name === 'kafka') return kafkaPid() !== null;
  if (name === 'scaled') return true; // infra:down finds its nodes by their pid files
  return isAlive(entry.pid) && (!cmdline(entry.pid) || cmdline(entry.pid).includes(path.basename(entry.cmd || name)));
}

function tail(file, lines = 25) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Spawns a long-running server detached from this process, output appended to logFile. */
function spawnDetached(cmd, args, logFile) {
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n===== ${new Date().toISOString()} ${cmd} ${args.join(' ')} =====\n`);
  const child = spawn(cmd, args, { cwd: INFRA_DIR, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.on('error', () => {});
  if (!child.pid) throw new Error(`could not spawn ${cmd}`);
  child.unref();
  return child.pid;
}

async function waitPort(port, pid, what, logFile, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portAnswers(port, HOST)) return;
    if (pid && !isAlive(pid)) throw new Error(`${what} (pid ${pid}) exited during startup.\n--- ${logFile}\n${tail(logFile)}`);
    if (Date.now() >= deadline) throw new Error(`${what} does not answer on ${HOST}:${port} after ${timeoutMs / 1000} s.\n--- ${logFile}\n${tail(logFile)}`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------

async function upDatabase(started) {
  if (await portAnswers(DB_PORT, HOST)) {
    ensureDatabase(false);
    return 'reused';
  }
  let installed = false;
  let bin = which('mariadbd') || which('mysqld');
  if (!bin) {
    bin = ensureCommand('mariadbd', 'mariadb-server');
    installed = true;
    // a package postinst may have started it already
    if (await portAnswers(DB_PORT, HOST)) {
      ensureDatabase(true);
      return 'reused (started by the package install)';
    }
  }
  if (isRoot) {
    // socket / pid dir of the Debian configuration
    try {
      run('install', ['-d', '-o', 'mysql', '-g', 'mysql', '/run/mysqld']);
    } catch {
      fs.mkdirSync('/run/mysqld', { recursive: true });
    }
  }
  const logFile = path.join(INFRA_DIR, 'mariadb.log');
  // --user=mysql: mariadbd refuses to run as root; the Debian config may not set it
  const args = isRoot ? ['--user=mysql', `--port=${DB_PORT}`] : [`--port=${DB_PORT}`];
  const pid = spawnDetached(bin, args, logFile);
  started.mariadb = { pid, cmd: bin, startedAt: new Date().toISOString() };
  await waitPort(DB_PORT, pid, path.basename(bin), logFile);
  ensureDatabase(installed);
  return `started (pid ${pid})`;
}

/**
 * Makes sure root can log in over TCP without a password (the SPEC's local DATABASE_URL) and that
 * the `concert` database exists. The login is only changed on a server this script just installed
 * (Debian's default is unix_socket auth for root); an existing server is never reconfigured.
 */
function ensureDatabase(freshInstall) {
  const client = which('mariadb') || which('mysql');
  if (!client) return;
  const tcp = ['--protocol=TCP', `-h${HOST}`, `-P${DB_PORT}`, '-uroot'];
  const tryTcp = (sql) => {
    try {
      run(client, [...tcp, '-e', sql]);
      return true;
    } catch {
      return false;
    }
  };
  if (!tryTcp('SELECT 1') && freshInstall && isRoot) {
    try {
      run(client, [
        '-uroot',
        '-e',
        "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');" +
          "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';" +
          "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;",
      ]);
    } catch (e) {
      log(`warning: could not enable password-less root over TCP: ${e.message.split('\n')[0]}`);
    }
  }
  if (!tryTcp(`CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4`)) {
    log(`warning: 'root' without password cannot log in on ${HOST}:${DB_PORT}; set DATABASE_URL accordingly`);
  }
}

async function upRedis(started) {
  if (await portAnswers(REDIS_PORT, HOST)) return 'reused';
  const bin = ensureCommand('redis-server', 'redis-server');
  if (await portAnswers(REDIS_PORT, HOST)) return 'reused (started by the package install)';
  const dir = path.join(INFRA_DIR, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(INFRA_DIR, 'redis.log');
  const pid = spawnDetached(
    bin,
    ['--bind', '127.0.0.1', '-::1', '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
    logFile,
  );
  started.redis = { pid, cmd: bin, startedAt: new Date().toISOString() };
  await waitPort(REDIS_PORT, pid, 'redis-server', logFile);
  return `started (pid ${pid})`;
}

async function upKafka(started) {
  const r = await startKafka();
  if (r.started) started.kafka = { pid: r.pid, startedAt: new Date().toISOString() };
  const created = await ensureTopics();
  const how = r.started ? `started (pid ${r.pid}) in ${(r.ms / 1000).toFixed(1)} s` : 'reused';
  return `${how}; topics ${TOPICS.join(', ')} ${created.length ? `ready (created ${created.join(', ')})` : 'present'}`;
}

// ---------------------------------------------------------------------------------------------

function topology() {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === '--topology' || a.startsWith('--topology='));
  if (i < 0) return process.env.INFRA_TOPOLOGY || 'single';
  const value = argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  if (value !== 'single' && value !== 'scaled') {
    process.stderr.write(`infra: --topology must be single or scaled, got "${value ?? ''}"\n`);
    process.exit(2);
  }
  return value;
}

async function main() {
  const t0 = Date.now();
  const scaled = topology() === 'scaled';
  fs.mkdirSync(INFRA_DIR, { recursive: true });
  const previous = readStarted();
  const started = {};
  for (const [name, entry] of Object.entries(previous)) if (stillOurs(name, entry)) started[name] = entry;

  const save = () => fs.writeFileSync(STARTED_FILE, `${JSON.stringify(started, null, 2)}\n`);
  const results = await Promise.allSettled([upDatabase(started), upRedis(started), upKafka(started)]);
  save();

  const names = [`MySQL/MariaDB ${HOST}:${DB_PORT}`, `Redis ${HOST}:${REDIS_PORT}`, `Kafka ${KAFKA_HOST}:${KAFKA_PORT}`];
  let failed = false;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') log(`${names[i]}: ${r.value}`);
    else {
      failed = true;
      process.stderr.write(`infra: ${names[i]}: FAILED: ${r.reason?.stack || r.reason}\n`);
    }
  });
  if (scaled) {
    // recorded first: infra:down stops whatever part of it came up, even after a failure
    started.scaled = { startedAt: new Date().toISOString() };
    save();
    const r = await upScaled();
    for (const l of r.lines) (l.ok ? log : (m) => process.stderr.write(`infra: ${m}\n`))(l.text);
    if (r.ok) log(scaledUsage());
    else failed = true;
  }
  if (failed) {
    process.stderr.write(`infra: up failed; services started so far are recorded in ${path.relative(process.cwd(), STARTED_FILE)} (npm run infra:down stops them)\n`);
    process.exit(1);
  }
  log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  process.stderr.write(`infra: ${e.stack || e}\n`);
  process.exit(1);
});
