// MariaDB primary + GTID replica for the scaled topology (SPEC 7.4).
//
// The shared MariaDB on 3306 runs without a binary log (log_bin=OFF), so nothing can replicate from
// it, and other work depends on it: it is never reconfigured. The scaled topology therefore brings
// its own pair, each a second mariadbd from the Debian package with its own datadir:
//   primary 127.0.0.1:3308  log_bin, binlog_format=ROW, server_id=3308   .infra/mariadb-scaled/primary
//   replica 127.0.0.1:3307  read_only, replicating from 3308 with MASTER_USE_GTID=slave_pos
//                            server_id=3307                               .infra/mariadb-scaled/replica
// Both allow root without a password over TCP from 127.0.0.1, like the single-node setup.
//
//   import { startMariadbPair, stopMariadbNode, startMariadbNode } from './mariadb-replica.mjs';

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { INFRA_DIR, cmdline, ensureCommand, isAlive, portAnswers, readPidFile, run, terminate, waitFor, which } from './kafka.mjs';

export const MARIADB_SCALED_DIR = path.join(INFRA_DIR, 'mariadb-scaled');
export const MARIADB_PRIMARY_PORT = 3308;
export const MARIADB_REPLICA_PORT = 3307;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const REPL_USER = 'repl';
const REPL_PASSWORD = 'repl-local-only';

const NODES = {
  primary: { port: MARIADB_PRIMARY_PORT, extra: ['--log-bin=mysql-bin', '--binlog-format=ROW', '--log-slave-updates=ON', '--sync-binlog=0'] },
  replica: { port: MARIADB_REPLICA_PORT, extra: ['--read-only=ON', '--relay-log=relay-bin', '--slave-parallel-threads=2'] },
};

const roleOf = (portOrRole) => (typeof portOrRole === 'string' ? portOrRole : portOrRole === MARIADB_PRIMARY_PORT ? 'primary' : 'replica');
const homeOf = (role) => path.join(MARIADB_SCALED_DIR, role);
const dataOf = (role) => path.join(homeOf(role), 'data');
const sockOf = (role) => path.join(homeOf(role), 'mysqld.sock');
const pidFileOf = (role) => path.join(homeOf(role), 'mariadbd.pid');

function client() {
  return which('mariadb') || which('mysql') || ensureCommand('mariadb', 'mariadb-client');
}

/** Runs SQL over the node's own socket as root (works before root@127.0.0.1 exists). */
export function sql(portOrRole, text, { tcp = false } = {}) {
  const role = roleOf(portOrRole);
  const conn = tcp ? ['--protocol=TCP', '-h127.0.0.1', `-P${NODES[role].port}`] : [`--socket=${sockOf(role)}`];
  return run(client(), [...conn, '-uroot', '-N', '-B', '-e', text], { what: `mariadb (${role}) ${text.slice(0, 60)}` }).trim();
}

export function mariadbNodePid(portOrRole) {
  const pid = readPidFile(pidFileOf(roleOf(portOrRole)));
  return pid && isAlive(pid) && (!cmdline(pid) || /mariadbd|mysqld/.test(cmdline(pid))) ? pid : null;
}

function installDb(role) {
  if (fs.existsSync(path.join(dataOf(role), 'mysql'))) return false;
  const installer = which('mariadb-install-db') || which('mysql_install_db');
  if (!installer) throw new Error('mariadb-install-db not found: install mariadb-server');
  fs.mkdirSync(dataOf(role), { recursive: true });
  if (isRoot) run('chown', ['-R', 'mysql:mysql', homeOf(role)]);
  run(installer, ['--no-defaults', `--datadir=${dataOf(role)}`, ...(isRoot ? ['--user=mysql'] : []), '--auth-root-authentication-method=normal', '--skip-test-db'], {
    what: `mariadb-install-db (${role})`,
  });
  return true;
}

/** Starts one node (primary or replica) on its datadir; resolves once it accepts TCP connections. */
export async function startMariadbNode(portOrRole) {
  const role = roleOf(portOrRole);
  const { port, extra } = NODES[role];
  if (await portAnswers(port)) return { pid: mariadbNodePid(role), started: false, fresh: false };
  const bin = which('mariadbd') || which('mysqld') || ensureCommand('mariadbd', 'mariadb-server');
  fs.mkdirSync(homeOf(role), { recursive: true });
  const fresh = installDb(role);
  if (isRoot) run('chown', ['-R', 'mysql:mysql', homeOf(role)]);
  const logFile = path.join(homeOf(role), 'mariadb.err');
  const out = fs.openSync(path.join(homeOf(role), 'mariadbd.out'), 'a');
  const child = spawn(
    bin,
    [
      '--no-defaults', ...(isRoot ? ['--user=mysql'] : []),
      `--datadir=${dataOf(role)}`, `--socket=${sockOf(role)}`, `--pid-file=${path.join(homeOf(role), 'mariadbd.server.pid')}`,
      `--log-error=${logFile}`, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve',
      `--server-id=${port}`, '--gtid-strict-mode=ON',
      // the primary commits durably like the shared 3306 (the bench compares the two); the replica need not
      '--innodb-buffer-pool-size=128M', `--innodb-flush-log-at-trx-commit=${role === 'primary' ? 1 : 2}`, '--performance-schema=OFF',
      '--max-connections=1000', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci',
      ...extra,
    ],
    { cwd: homeOf(role), detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  child.on('error', () => {});
  if (!child.pid) throw new Error(`could not spawn ${bin}`);
  child.unref();
  fs.writeFileSync(pidFileOf(role), `${child.pid}\n`);
  await waitFor(async () => {
    if (!isAlive(child.pid)) throw new Error(`mariadbd (${role}, :${port}) exited during startup; see ${logFile}`);
    return portAnswers(port);
  }, { timeoutMs: 60_000, what: `mariadbd (${role}) on 127.0.0.1:${port}` });
  return { pid: child.pid, started: true, fresh };
}

/** Stops one node: SIGTERM (clean) or SIGKILL (crash); resolves once its port is closed. */
export async function stopMariadbNode(portOrRole, { signal = 'SIGTERM' } = {}) {
  const role = roleOf(portOrRole);
  const pid = mariadbNodePid(role);
  if (!pid) return { pid: null, stopped: false };
  await terminate(pid, { signal, killAfterMs: 30_000 });
  await waitFor(async () => !(await portAnswers(NODES[role].port)), { timeoutMs: 10_000, intervalMs: 100, what: `127.0.0.1:${NODES[role].port} to close` });
  fs.rmSync(pidFileOf(role), { force: true });
  return { pid, stopped: true };
}

/** Users both nodes need, created outside the binary log so they never replicate into a conflict. */
function ensureLocalUsers(role) {
  sql(
    role,
    'SET SESSION sql_log_bin=0;' +
      "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';" +
      "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" +
      `CREATE USER IF NOT EXISTS '${REPL_USER}'@'127.0.0.1' IDENTIFIED BY '${REPL_PASSWORD}';` +
      `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${REPL_USER}'@'127.0.0.1';`,
  );
}

/** SHOW SLAVE STATUS of the replica as an object ({} when replication was never configured). */
export function replicaStatus() {
  const out = run(client(), [`--socket=${sockOf('replica')}`, '-uroot', '-E', '-e', 'SHOW SLAVE STATUS'], { what: 'SHOW SLAVE STATUS' });
  return Object.fromEntries(out.split('\n').map((l) => l.match(/^\s*(\w+):\s?(.*)$/)).filter(Boolean).map((m) => [m[1], m[2]]));
}

/** Starts primary and replica; the first time, creates the users and points the replica at the primary. */
export async function startMariadbPair() {
  const t0 = Date.now();
  const p = await startMariadbNode('primary');
  const r = await startMariadbNode('replica');
  ensureLocalUsers('primary');
  ensureLocalUsers('replica');
  if (!replicaStatus().Master_Host) {
    sql(
      'replica',
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${MARIADB_PRIMARY_PORT}, MASTER_USER='${REPL_USER}', ` +
        `MASTER_PASSWORD='${REPL_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;`,
    );
  } else if (replicaStatus().Slave_SQL_Running !== 'Yes') {
    sql('replica', 'START SLAVE');
  }
  sql('primary', 'CREATE DATABASE IF NOT EXISTS `concert` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await waitFor(
    () => {
      const s = replicaStatus();
      return s.Slave_IO_Running === 'Yes' && s.Slave_SQL_Running === 'Yes' && sql('replica', "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name='concert'") === '1';
    },
    { timeoutMs: 60_000, intervalMs: 300, what: 'the replica on 3307 to replicate from 3308' },
  );
  return { started: [p, r].filter((x) => x.started).map((x) => x.pid), ms: Date.now() - t0 };
}

export async function stopMariadbPair() {
  const out = [];
  // replica first, so it does not log a lost primary
  for (const role of ['replica', 'primary']) {
    const r = await stopMariadbNode(role);
    if (r.stopped) out.push(r.pid);
  }
  return out;
}
