// The scaled topology of `npm run infra:up -- --topology scaled` (SPEC 7.4), BESIDE the single-node
// services (which keep running untouched): a six-node Redis Cluster, three KRaft Kafka brokers and a
// MariaDB primary (3308) with a GTID replica (3307). Writes .infra/scaled.env for the app and tests.

import fs from 'node:fs';
import path from 'node:path';
import { INFRA_DIR } from './kafka.mjs';
import { KAFKA_CLUSTER_BROKERS, startKafkaCluster, stopKafkaCluster } from './kafka-cluster.mjs';
import { MARIADB_PRIMARY_PORT, MARIADB_REPLICA_PORT, startMariadbPair, stopMariadbPair } from './mariadb-replica.mjs';
import { REDIS_CLUSTER_NODES, startRedisCluster, stopRedisCluster } from './redis-cluster.mjs';

export const SCALED_ENV_FILE = path.join(INFRA_DIR, 'scaled.env');

export const SCALED_ENV = {
  REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES.join(','),
  KAFKA_BROKERS: KAFKA_CLUSTER_BROKERS.join(','),
  DATABASE_URL: `mysql://root@127.0.0.1:${MARIADB_PRIMARY_PORT}/concert`,
  DATABASE_READ_URLS: `mysql://root@127.0.0.1:${MARIADB_REPLICA_PORT}/concert`,
  // test/support creates one database per test file on this server (the primary)
  TEST_MYSQL_URL: `mysql://root@127.0.0.1:${MARIADB_PRIMARY_PORT}`,
};

/** Brings the three parts up side by side; one line per part. */
export async function upScaled() {
  const parts = [
    ['Redis Cluster', REDIS_CLUSTER_NODES.join(','), startRedisCluster],
    ['Kafka cluster', KAFKA_CLUSTER_BROKERS.join(','), startKafkaCluster],
    ['MariaDB primary + replica', `127.0.0.1:${MARIADB_PRIMARY_PORT} -> 127.0.0.1:${MARIADB_REPLICA_PORT}`, startMariadbPair],
  ];
  const results = await Promise.allSettled(parts.map(([, , start]) => start()));
  const lines = results.map((r, i) => {
    const [name, where] = parts[i];
    if (r.status === 'rejected') return { ok: false, text: `${name} ${where}: FAILED: ${r.reason?.stack || r.reason}` };
    const v = r.value;
    return { ok: true, text: `${name} ${where}: ${v.started.length ? `started ${v.started.length} process(es)` : 'reused'} in ${(v.ms / 1000).toFixed(1)} s` };
  });
  const ok = lines.every((l) => l.ok);
  if (ok) {
    const body = Object.entries(SCALED_ENV).map(([k, v]) => `${k}=${v}`).join('\n');
    fs.writeFileSync(SCALED_ENV_FILE, `# written by npm run infra:up -- --topology scaled (SPEC 7.4)\n${body}\n`);
  }
  return { ok, lines };
}

export function usage() {
  const rel = path.relative(process.cwd(), SCALED_ENV_FILE) || SCALED_ENV_FILE;
  return [
    `scaled topology env written to ${rel}. Use it with:`,
    `  set -a; . ${rel}; set +a; npm start        # server against the scaled topology`,
    `  npm run test:scaled                          # the whole suite against it`,
    '  npm run infra:down                           # stops both topologies (what infra:up started)',
  ].join('\n');
}

export async function downScaled() {
  const results = await Promise.allSettled([stopRedisCluster(), stopKafkaCluster(), stopMariadbPair()]);
  // a stale env file would point test:scaled at stopped nodes
  if (results.every((r) => r.status === 'fulfilled')) fs.rmSync(SCALED_ENV_FILE, { force: true });
  const names = ['Redis Cluster', 'Kafka cluster', 'MariaDB primary + replica'];
  return results.map((r, i) =>
    r.status === 'fulfilled'
      ? { ok: true, text: `${names[i]}: ${r.value.length ? `stopped ${r.value.length} process(es)` : 'was not running'}` }
      : { ok: false, text: `${names[i]}: could not stop: ${r.reason?.message || r.reason}` },
  );
}
