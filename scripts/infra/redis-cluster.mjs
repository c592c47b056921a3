// Six-node Redis Cluster on loopback for the scaled topology (SPEC 7.4): Debian redis-server with
// --cluster-enabled yes on 127.0.0.1:7101-7106, joined by `redis-cli --cluster create` into three
// primaries with one replica each. AOF on, so a restarted node keeps its data.
// Layout: .infra/redis-cluster/<port>/{nodes.conf,appendonlydir,redis.pid,redis.log}.
//
//   import { startRedisCluster, stopRedisNode, startRedisNode } from './redis-cluster.mjs';

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { INFRA_DIR, cmdline, ensureCommand, isAlive, portAnswers, readPidFile, run, sleep, terminate, waitFor } from './kafka.mjs';

export const REDIS_CLUSTER_DIR = path.join(INFRA_DIR, 'redis-cluster');
export const REDIS_CLUSTER_PORTS = [7101, 7102, 7103, 7104, 7105, 7106];
export const REDIS_CLUSTER_NODES = REDIS_CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`);
/** How long a silent primary has before its replica takes over (redis cluster-node-timeout). */
export const REDIS_NODE_TIMEOUT_MS = 3000;

const dirOf = (port) => path.join(REDIS_CLUSTER_DIR, String(port));
const pidFileOf = (port) => path.join(dirOf(port), 'redis.pid');

function cli(port, ...args) {
  return run(ensureCommand('redis-cli', 'redis-tools'), ['-h', '127.0.0.1', '-p', String(port), ...args], { what: `redis-cli -p ${port} ${args.join(' ')}` }).trim();
}

/** CLUSTER INFO of one node as an object, or null when it does not answer. */
export function clusterInfo(port) {
  try {
    return Object.fromEntries(cli(port, 'cluster', 'info').split(/\r?\n/).map((l) => l.trim().split(':')).filter((kv) => kv.length === 2));
  } catch {
    return null;
  }
}

/** Role of each node as seen by `port`: [{ id, port, role: 'master'|'slave', failed, masterId, slots: [[start, end]] }]. */
export function clusterNodes(port) {
  return cli(port, 'cluster', 'nodes')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => {
      const [id, addr, flags, masterId, , , , , ...ranges] = l.split(' ');
      const p = Number(addr.split('@')[0].split(':')[1]);
      const slots = ranges.filter((r) => /^\d+(-\d+)?$/.test(r)).map((r) => r.split('-').map(Number)).map(([a, b]) => [a, b ?? a]);
      return { id, port: p, role: flags.includes('master') ? 'master' : 'slave', failed: /fail/.test(flags), masterId, slots };
    });
}

/** Port of the live primary serving the slot of `key` (the full key, prefix included). */
export function primaryForKey(key, askPort = REDIS_CLUSTER_PORTS.find((p) => clusterInfo(p)) ?? REDIS_CLUSTER_PORTS[0]) {
  const slot = Number(cli(askPort, 'cluster', 'keyslot', key));
  const owner = clusterNodes(askPort).find((n) => n.role === 'master' && !n.failed && n.slots.some(([a, b]) => slot >= a && slot <= b));
  if (!owner) throw new Error(`no live primary serves slot ${slot} of ${key}`);
  return owner.port;
}

export function redisNodePid(port) {
  const pid = readPidFile(pidFileOf(port));
  return pid && isAlive(pid) && (!cmdline(pid) || cmdline(pid).includes('redis-server')) ? pid : null;
}

/** Starts one node (same dir, so it rejoins with its nodes.conf and AOF); resolves once it answers. */
export async function startRedisNode(port) {
  if (await portAnswers(port)) return { pid: redisNodePid(port), started: false };
  const bin = ensureCommand('redis-server', 'redis-server');
  const dir = dirOf(port);
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'redis.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    bin,
    [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no',
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(REDIS_NODE_TIMEOUT_MS),
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      // one replica may be down (a fault test) without the rest of the cluster refusing reads/writes
      '--cluster-require-full-coverage', 'no',
    ],
    { cwd: dir, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  child.on('error', () => {});
  if (!child.pid) throw new Error(`could not spawn ${bin}`);
  child.unref();
  fs.writeFileSync(pidFileOf(port), `${child.pid}\n`);
  await waitFor(async () => {
    if (!isAlive(child.pid)) throw new Error(`redis-server :${port} exited; see ${logFile}`);
    return portAnswers(port);
  }, { timeoutMs: 30_000, what: `redis-server on 127.0.0.1:${port}` });
  return { pid: child.pid, started: true };
}

/** Stops one node: SIGTERM (clean) or SIGKILL (crash); resolves once its port is closed. */
export async function stopRedisNode(port, { signal = 'SIGTERM' } = {}) {
  const pid = redisNodePid(port);
  if (!pid) return { pid: null, stopped: false };
  await terminate(pid, { signal, killAfterMs: 10_000 });
  await waitFor(async () => !(await portAnswers(port)), { timeoutMs: 10_000, intervalMs: 100, what: `127.0.0.1:${port} to close` });
  fs.rmSync(pidFileOf(port), { force: true });
  return { pid, stopped: true };
}

/** Waits until every node reports cluster_state:ok and 16384 slots assigned and served. */
export async function waitClusterOk(timeoutMs = 60_000, ports = REDIS_CLUSTER_PORTS) {
  await waitFor(
    () => ports.every((p) => {
      const i = clusterInfo(p);
      return i && i.cluster_state === 'ok' && i.cluster_slots_ok === '16384';
    }),
    { timeoutMs, intervalMs: 300, what: 'Redis Cluster state ok on every node' },
  );
}

/** Starts the six nodes and, the first time, creates the cluster (3 primaries, 3 replicas). */
export async function startRedisCluster() {
  const t0 = Date.now();
  ensureCommand('redis-cli', 'redis-tools');
  const results = await Promise.all(REDIS_CLUSTER_PORTS.map((p) => startRedisNode(p)));
  const info = clusterInfo(REDIS_CLUSTER_PORTS[0]);
  let created = false;
  if (!info || info.cluster_slots_assigned !== '16384') {
    cli(REDIS_CLUSTER_PORTS[0], '--cluster', 'create', ...REDIS_CLUSTER_NODES, '--cluster-replicas', '1', '--cluster-yes');
    created = true;
  }
  await waitClusterOk();
  // replicas attach a moment after the create; tests expect three primaries with a replica each
  await waitFor(() => clusterNodes(REDIS_CLUSTER_PORTS[0]).filter((n) => n.role === 'slave' && !n.failed).length === 3, {
    timeoutMs: 30_000, what: 'three Redis replicas',
  });
  await sleep(0);
  return { started: results.filter((r) => r.started).map((r) => r.pid), created, ms: Date.now() - t0 };
}

export async function stopRedisCluster() {
  const out = [];
  for (const r of await Promise.all(REDIS_CLUSTER_PORTS.map((p) => stopRedisNode(p)))) if (r.stopped) out.push(r.pid);
  return out;
}
