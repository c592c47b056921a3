// Local infrastructure helpers: a real Apache Kafka broker (KRaft, single node) assembled from
// Maven Central jars, plus small process/port utilities shared by up.mjs, down.mjs,
// fetch-validate-proto.mjs and fault tests.
//
// Plain Node ESM, built-ins only: runs before `npm ci` has compiled anything.
//
//   import { startKafka, stopKafka, kafkaAnswers, kafkaPid } from '../scripts/infra/kafka.mjs';
//   await stopKafka();            // SIGTERM, wait for exit and for 127.0.0.1:9092 to close
//   await stopKafka({ signal: 'SIGKILL' });   // simulate a crash
//   await startKafka();           // same data dir, no re-format; resolves once the broker serves metadata
//
// Layout (all under the git-ignored <repo>/.infra/kafka/):
//   libs/              jars from `mvn dependency:copy-dependencies` on infra/kafka/pom.xml
//   data/              KRaft metadata log + topic data (formatted once)
//   logs/server.log    broker log (infra/kafka/log4j.properties)
//   kafka.out          JVM stdout/stderr
//   kafka.pid          pid of the broker JVM started by these scripts
//   server.properties  rendered from infra/kafka/server.properties
//   cluster.id         KRaft cluster id used to format data/

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const INFRA_DIR = path.join(ROOT, '.infra');
/** Which services `infra:up` itself started (read by `infra:down`). */
export const STARTED_FILE = path.join(INFRA_DIR, 'started.json');
export const KAFKA_HOME = path.join(INFRA_DIR, 'kafka');
export const KAFKA_LIBS = path.join(KAFKA_HOME, 'libs');
export const KAFKA_DATA = path.join(KAFKA_HOME, 'data');
export const KAFKA_LOG_DIR = path.join(KAFKA_HOME, 'logs');
export const KAFKA_LOG = path.join(KAFKA_LOG_DIR, 'server.log');
export const KAFKA_OUT = path.join(KAFKA_HOME, 'kafka.out');
export const KAFKA_PID_FILE = path.join(KAFKA_HOME, 'kafka.pid');
const TEMPLATE_DIR = path.join(ROOT, 'infra', 'kafka');
const POM = path.join(TEMPLATE_DIR, 'pom.xml');
const LIBS_STAMP = path.join(KAFKA_LIBS, '.complete');

export const KAFKA_HOST = '127.0.0.1';
export const KAFKA_PORT = 9092;
export const KAFKA_CONTROLLER_PORT = 9093;
/** SPEC section 4 topics. */
export const TOPICS = ['reservation-events', 'payment-events', 'queue-events'];
export const TOPIC_PARTITIONS = 3;

const BROKER_JVM_OPTS = [
  '-Xmx512m',
  '-Xms256m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
// Short-lived CLI tools: small heap, fast JIT start.
const TOOL_JVM_OPTS = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

// ---------------------------------------------------------------------------------------------
// generic helpers (also used by up.mjs / down.mjs / fetch-validate-proto.mjs)

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function log(msg) {
  process.stdout.write(`infra: ${msg}\n`);
}

/** True when a TCP connection to host:port is accepted within timeoutMs. */
export function portAnswers(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Polls fn() until it returns a truthy value; throws after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() >= deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** True while pid is a live (non-zombie) process. */
export function isAlive(pid) {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    // no /proc (not Linux): trust kill(0)
  }
  return true;
}

/** Command line of pid ('' when unknown). */
export function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function readPidFile(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Sends signal to pid, waits for it to exit; SIGKILL after killAfterMs. Returns true if it was running. */
export async function terminate(pid, { signal = 'SIGTERM', killAfterMs = 15_000 } = {}) {
  if (!isAlive(pid)) return false;
  try {
    process.kill(pid, signal);
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
  const deadline = Date.now() + killAfterMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, what: `pid ${pid} to die after SIGKILL` });
  }
  return true;
}

/** Absolute path of an executable on PATH, or null. */
export function which(bin) {
  if (bin.includes('/')) return fs.existsSync(bin) ? bin : null;
  // PATH first, then the sbin dirs (mariadbd lives in /usr/sbin, often not on a user's PATH)
  const dirs = [...(process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

/** Runs a command to completion with captured output; throws (with the output) on failure. */
export function run(cmd, args, { cwd = ROOT, env = process.env, what } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${what || cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${what || `${cmd} ${args.join(' ')}`} failed (exit ${r.status ?? r.signal})\n${out}`);
  }
  return r.stdout;
}

/** Async variant of run() (lets several JVM tools run in parallel). */
export function runAsync(cmd, args, { cwd = ROOT, env = process.env, what } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => reject(new Error(`${what || cmd}: ${e.message}`)));
    child.on('close', (code, sig) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${what || `${cmd} ${args.join(' ')}`} failed (exit ${code ?? sig})\n${out.trim().split('\n').slice(-40).join('\n')}`));
    });
  });
}

let aptUpdated = false;
/** Ensures `bin` is installed; installs Debian package `pkg` with apt-get when missing. Returns its path. */
export function ensureCommand(bin, pkg) {
  const found = which(bin);
  if (found) return found;
  if (!which('apt-get')) throw new Error(`${bin} not found and apt-get is unavailable: install ${pkg}`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${bin} not found: install it with 'sudo apt-get install ${pkg}'`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`${bin} not found: apt-get install ${pkg}`);
  if (!aptUpdated) {
    run('apt-get', ['update', '-q'], { env, what: 'apt-get update' });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], { env, what: `apt-get install ${pkg}` });
  const now = which(bin);
  if (!now) throw new Error(`${bin} still not found after installing ${pkg}`);
  return now;
}

export function mvnBin() {
  return ensureCommand('mvn', 'maven');
}

export function javaBin() {
  const home = process.env.JAVA_HOME;
  if (home && fs.existsSync(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  return ensureCommand('java', 'default-jre-headless');
}

// ---------------------------------------------------------------------------------------------
// Kafka wire protocol probe: Metadata v0 (all topics). No JVM needed, answers in milliseconds.

/**
 * Asks the broker for cluster metadata. Resolves to
 *   { brokers: [{ nodeId, host, port }], topics: { [name]: { errorCode, partitions: [{ id, leader, errorCode }] } } }
 * or null when nothing (valid) answers within timeoutMs.
 */
export function kafkaMetadata({ port = KAFKA_PORT, host = KAFKA_HOST, timeoutMs = 3000 } = {}) {
  return new Promise((resolve) => {
    const clientId = Buffer.from('infra-probe');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
    let o = 0;
    o = body.writeInt16BE(3, o); // api_key Metadata
    o = body.writeInt16BE(0, o); // api_version 0
    o = body.writeInt32BE(1, o); // correlation_id
    o = body.writeInt16BE(clientId.length, o);
    o += clientId.copy(body, o);
    body.writeInt32BE(0, o); // topics: [] = all topics in v0
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);

    const sock = net.connect({ host, port });
    const chunks = [];
    let finished = false;
    const finish = (v) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    sock.once('connect', () => sock.write(Buffer.concat([size, body])));
    sock.on('data', (d) => {
      chunks.push(d);
      const buf = Buffer.concat(chunks);
      if (buf.length < 4) return;
      const len = buf.readInt32BE(0);
      if (buf.length < 4 + len) return;
      try {
        finish(parseMetadataV0(buf.subarray(4, 4 + len)));
      } catch {
        finish(null);
      }
    });
    sock.once('error', () => finish(null));
    sock.once('close', () => finish(null));
  });
}

function parseMetadataV0(b) {
  let o = 0;
  const i16 = () => {
    const v = b.readInt16BE(o);
    o += 2;
    return v;
  };
  const i32 = () => {
    const v = b.readInt32BE(o);
    o += 4;
    return v;
  };
  const str = () => {
    const n = i16();
    if (n < 0) return null;
    const s = b.toString('utf8', o, o + n);
    o += n;
    return s;
  };
  if (i32() !== 1) throw new Error('unexpected correlation id');
  const brokers = [];
  for (let n = i32(); n > 0; n--) brokers.push({ nodeId: i32(), host: str(), port: i32() });
  const topics = {};
  for (let n = i32(); n > 0; n--) {
    const errorCode = i16();
    const name = str();
    const partitions = [];
    for (let p = i32(); p > 0; p--) {
      const perr = i16();
      const id = i32();
      const leader = i32();
      for (let r = i32(); r > 0; r--) i32(); // replicas
      for (let r = i32(); r > 0; r--) i32(); // isr
      partitions.push({ id, leader, errorCode: perr });
    }
    topics[name] = { errorCode, partitions };
  }
  return { brokers, topics };
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function kafkaAnswers(port = KAFKA_PORT) {
  return portAnswers(port, KAFKA_HOST);
}

/** True when the broker on port serves metadata and lists itself (i.e. it is started and unfenced). */
export async function kafkaReady(port = KAFKA_PORT) {
  const md = await kafkaMetadata({ port });
  return !!md && md.brokers.length > 0;
}

// ---------------------------------------------------------------------------------------------
// broker process

/**
 * One broker instance: its ports and directories. The defaults are the shared broker of `infra:up`
 * (127.0.0.1:9092, .infra/kafka/data). Fault tests pass their own ports and a data dir elsewhere
 * under .infra/, so stopping their broker never touches the shared one. The instance's pid file,
 * logs, rendered server.properties and cluster id live in the parent directory of dataDir
 * (for the default, .infra/kafka/). The jars in .infra/kafka/libs are shared by all instances.
 */
function instanceOf({ port = KAFKA_PORT, controllerPort = KAFKA_CONTROLLER_PORT, dataDir = KAFKA_DATA, template, vars } = {}) {
  const data = path.resolve(dataDir);
  const home = path.dirname(data);
  const logDir = path.join(home, 'logs');
  return {
    port,
    controllerPort,
    data,
    home,
    logDir,
    log: path.join(logDir, 'server.log'),
    out: path.join(home, 'kafka.out'),
    pidFile: path.join(home, 'kafka.pid'),
    props: path.join(home, 'server.properties'),
    clusterIdFile: path.join(home, 'cluster.id'),
    // A multi-broker cluster (scripts/infra/kafka-cluster.mjs) renders its own template with @NAME@ vars.
    template: template ?? path.join(TEMPLATE_DIR, 'server.properties'),
    vars: vars ?? {},
  };
}

/** Pid of the broker JVM started by these scripts (for the instance in opts), or null when it is not running. */
export function kafkaPid(opts = {}) {
  const pid = readPidFile(instanceOf(opts).pidFile);
  if (!pid || !isAlive(pid)) return null;
  const cl = cmdline(pid);
  if (cl && !cl.includes('kafka.Kafka')) return null; // pid was recycled by something else
  return pid;
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Downloads the broker jars into .infra/kafka/libs (skipped when present for the current pom). */
export function ensureKafkaJars() {
  const want = sha256(POM);
  let have = null;
  try {
    have = fs.readFileSync(LIBS_STAMP, 'utf8').trim();
  } catch {
    /* no stamp */
  }
  if (have === want && fs.readdirSync(KAFKA_LIBS).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) return false;

  const mvn = mvnBin();
  const tmp = `${KAFKA_LIBS}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(KAFKA_HOME, { recursive: true });
  const t0 = Date.now();
  log('downloading Kafka jars from Maven Central (infra/kafka/pom.xml)...');
  run(mvn, ['-q', '-B', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], {
    what: 'mvn dependency:copy-dependencies (infra/kafka/pom.xml)',
  });
  fs.writeFileSync(path.join(tmp, '.complete'), `${want}\n`);
  fs.rmSync(KAFKA_LIBS, { recursive: true, force: true });
  fs.renameSync(tmp, KAFKA_LIBS);
  log(`Kafka jars ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${fs.readdirSync(KAFKA_LIBS).filter((f) => f.endsWith('.jar')).length} jars)`);
  return true;
}

function toolArgs(mainClass, args) {
  return [
    ...TOOL_JVM_OPTS,
    `-Dlog4j.configuration=${pathToFileURL(path.join(TEMPLATE_DIR, 'tools-log4j.properties')).href}`,
    '-cp',
    path.join(KAFKA_LIBS, '*'),
    mainClass,
    ...args,
  ];
}

function renderServerProperties(inst) {
  let text = fs.readFileSync(inst.template, 'utf8').replaceAll('@LOG_DIRS@', inst.data);
  for (const [k, v] of Object.entries(inst.vars)) text = text.replaceAll(`@${k}@`, String(v));
  // The template names the default ports; another instance gets its own listeners and controller quorum.
  if (inst.port !== KAFKA_PORT) text = text.replaceAll(`:${KAFKA_PORT}`, `:${inst.port}`);
  if (inst.controllerPort !== KAFKA_CONTROLLER_PORT) text = text.replaceAll(`:${KAFKA_CONTROLLER_PORT}`, `:${inst.controllerPort}`);
  fs.writeFileSync(inst.props, text);
}

function clusterId(inst) {
  try {
    const id = fs.readFileSync(inst.clusterIdFile, 'utf8').trim();
    if (id) return id;
  } catch {
    /* generate */
  }
  let id;
  do id = crypto.randomBytes(16).toString('base64url');
  while (id.startsWith('-'));
  fs.writeFileSync(inst.clusterIdFile, `${id}\n`);
  return id;
}

/** Formats KRaft storage once; an existing data dir (meta.properties) is never re-formatted. */
function formatStorageIfNeeded(inst) {
  if (fs.existsSync(path.join(inst.data, 'meta.properties'))) return false;
  fs.mkdirSync(inst.data, { recursive: true });
  run(javaBin(), toolArgs('kafka.tools.StorageTool', ['format', '-t', clusterId(inst), '-c', inst.props, '--ignore-formatted']), {
    what: 'kafka StorageTool format',
  });
  return true;
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitKafkaReady(inst, pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await kafkaReady(inst.port)) return;
    if (pid && !isAlive(pid)) {
      throw new Error(`Kafka broker (pid ${pid}) exited during startup.\n--- ${inst.out}\n${tail(inst.out)}\n--- ${inst.log}\n${tail(inst.log)}`);
    }
    if (Date.now() >= deadline) {
      throw new Error(`Kafka broker not ready on ${KAFKA_HOST}:${inst.port} after ${Math.round(timeoutMs / 1000)} s.\n--- ${inst.log}\n${tail(inst.log)}`);
    }
    await sleep(250);
  }
}

/** After a (re)start: waits until every partition of every existing topic has a leader again. */
async function waitLeaders(inst, timeoutMs) {
  await waitFor(
    async () => {
      const md = await kafkaMetadata({ port: inst.port });
      return !!md && Object.values(md.topics).every((t) => t.partitions.every((p) => p.leader >= 0));
    },
    { timeoutMs, what: 'partition leaders after the broker start' },
  );
}

/**
 * Starts the broker (or reuses one that already serves its port) and resolves once it answers
 * metadata requests. Same data dir on every start; storage is formatted only the first time.
 * opts.port / controllerPort / dataDir select another instance (defaults: the shared broker).
 * @returns {Promise<{pid: number|null, started: boolean, ms: number}>}
 */
export async function startKafka({ timeoutMs = 90_000, ...where } = {}) {
  const t0 = Date.now();
  const inst = instanceOf(where);
  if (await kafkaReady(inst.port)) return { pid: kafkaPid(where), started: false, ms: Date.now() - t0 };

  let pid = kafkaPid(where);
  if (pid) {
    // ours, still starting up (or recovering): just wait
    await waitKafkaReady(inst, pid, timeoutMs);
    return { pid, started: false, ms: Date.now() - t0 };
  }
  if ((await portAnswers(inst.port)) || (await portAnswers(inst.controllerPort))) {
    // something else holds the ports: perhaps a broker still starting; give it the same chance
    await waitFor(() => kafkaReady(inst.port), { timeoutMs, what: `the process on ${KAFKA_HOST}:${inst.port}/${inst.controllerPort} to serve Kafka metadata` });
    return { pid: null, started: false, ms: Date.now() - t0 };
  }

  for (const d of [inst.home, inst.data, inst.logDir]) fs.mkdirSync(d, { recursive: true });
  ensureKafkaJars();
  const java = javaBin();
  renderServerProperties(inst);
  formatStorageIfNeeded(inst);

  const out = fs.openSync(inst.out, 'a');
  fs.writeSync(out, `\n===== ${new Date().toISOString()} starting kafka.Kafka =====\n`);
  const child = spawn(
    java,
    [
      ...BROKER_JVM_OPTS,
      `-Dkafka.logs.dir=${inst.logDir}`,
      `-Dlog4j.configuration=${pathToFileURL(path.join(TEMPLATE_DIR, 'log4j.properties')).href}`,
      '-cp',
      path.join(KAFKA_LIBS, '*'),
      'kafka.Kafka',
      inst.props,
    ],
    { cwd: inst.home, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  child.on('error', () => {}); // reported below via the missing pid / dead process
  if (!child.pid) throw new Error(`could not spawn ${java}`);
  child.unref();
  pid = child.pid;
  fs.writeFileSync(inst.pidFile, `${pid}\n`);

  await waitKafkaReady(inst, pid, timeoutMs);
  await waitLeaders(inst, timeoutMs);
  return { pid, started: true, ms: Date.now() - t0 };
}

/**
 * Stops the broker recorded in its pid file (default .infra/kafka/kafka.pid) and waits until its port is closed.
 * signal: 'SIGTERM' (clean shutdown; SIGKILL after killAfterMs) or 'SIGKILL' (simulated crash).
 * opts.port / controllerPort / dataDir select another instance (defaults: the shared broker).
 * @returns {Promise<{pid: number|null, stopped: boolean, ms: number}>}
 */
export async function stopKafka({ signal = 'SIGTERM', killAfterMs = 15_000, ...where } = {}) {
  const t0 = Date.now();
  const inst = instanceOf(where);
  const pid = kafkaPid(where);
  if (!pid) {
    if (await kafkaAnswers(inst.port)) {
      throw new Error(`a Kafka on ${KAFKA_HOST}:${inst.port} is running but was not started by scripts/infra (no live pid in ${inst.pidFile}); not stopping it`);
    }
    return { pid: null, stopped: false, ms: Date.now() - t0 };
  }
  await terminate(pid, { signal, killAfterMs });
  await waitFor(async () => !(await kafkaAnswers(inst.port)), { timeoutMs: 10_000, intervalMs: 100, what: `${KAFKA_HOST}:${inst.port} to close` });
  if (readPidFile(inst.pidFile) === pid) fs.rmSync(inst.pidFile, { force: true });
  return { pid, stopped: true, ms: Date.now() - t0 };
}

/** Freezes the broker (SIGSTOP): connections stay open but nothing answers. */
export function pauseKafka(opts = {}) {
  const pid = kafkaPid(opts);
  if (!pid) throw new Error('no Kafka broker started by scripts/infra is running');
  process.kill(pid, 'SIGSTOP');
  return pid;
}

/** Resumes a broker frozen by pauseKafka(). */
export function resumeKafka(opts = {}) {
  const pid = kafkaPid(opts);
  if (!pid) throw new Error('no Kafka broker started by scripts/infra is running');
  process.kill(pid, 'SIGCONT');
  return pid;
}

// ---------------------------------------------------------------------------------------------
// topics

/** Names of the topics the broker reports (internal ones included), or null when it does not answer. */
export async function listTopics() {
  const md = await kafkaMetadata();
  return md ? Object.keys(md.topics).sort() : null;
}

/**
 * Creates the SPEC topics (3 partitions, replication factor min(3, brokers)) that are missing, with Kafka's own
 * TopicCommand, then waits until every partition has a leader.
 * @returns {Promise<string[]>} the topics that were created
 */
export async function ensureTopics({ topics = TOPICS, partitions = TOPIC_PARTITIONS, timeoutMs = 60_000, port = KAFKA_PORT } = {}) {
  const md = await kafkaMetadata({ port });
  if (!md) throw new Error(`Kafka does not answer on ${KAFKA_HOST}:${port}`);
  // SPEC 7.4: replication factor min(3, brokers), min.insync.replicas min(2, brokers)
  const rf = Math.min(3, Math.max(1, md.brokers.length));
  const minIsr = Math.min(2, rf);
  const missing = topics.filter((t) => !md.topics[t] || md.topics[t].errorCode !== 0);
  if (missing.length) {
    // only download when absent: never swap the jars under a running broker
    if (!fs.existsSync(LIBS_STAMP)) ensureKafkaJars();
    const java = javaBin();
    await Promise.all(
      missing.map((t) =>
        runAsync(
          java,
          toolArgs('org.apache.kafka.tools.TopicCommand', [
            '--bootstrap-server', `${KAFKA_HOST}:${port}`,
            '--create', '--if-not-exists',
            '--topic', t,
            '--partitions', String(partitions),
            '--replication-factor', String(rf),
            '--config', `min.insync.replicas=${minIsr}`,
          ]),
          { what: `TopicCommand --create ${t}` },
        ),
      ),
    );
  }
  await waitFor(
    async () => {
      const m = await kafkaMetadata({ port });
      return !!m && topics.every((t) => m.topics[t] && m.topics[t].errorCode === 0 && m.topics[t].partitions.length > 0 && m.topics[t].partitions.every((p) => p.leader >= 0));
    },
    { timeoutMs, what: `topics ${topics.join(', ')} to have partition leaders` },
  );
  return missing;
}
