// Three-broker KRaft Kafka cluster for the scaled topology (SPEC 7.4), from the same Maven jars as
// the single broker (scripts/infra/kafka.mjs). Every node is broker + controller:
//   node 1: 127.0.0.1:29092 (controller 29192)   data .infra/kafka-cluster/node-1/data
//   node 2: 127.0.0.1:29093 (controller 29193)   ...
//   node 3: 127.0.0.1:29094 (controller 29194)
// 19092/19093 belong to test/outbox/kafka-outage.test.ts and 9092/9093 to the shared broker.
//
//   import { startKafkaCluster, stopKafkaNode, startKafkaNode } from './kafka-cluster.mjs';

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { INFRA_DIR, ROOT, ensureKafkaJars, ensureTopics, kafkaMetadata, kafkaPid, startKafka, stopKafka, waitFor } from './kafka.mjs';

export const KAFKA_CLUSTER_DIR = path.join(INFRA_DIR, 'kafka-cluster');
export const KAFKA_CLUSTER_NODES = [1, 2, 3].map((id) => ({ id, port: 29091 + id, controllerPort: 29191 + id }));
export const KAFKA_CLUSTER_BROKERS = KAFKA_CLUSTER_NODES.map((n) => `127.0.0.1:${n.port}`);
const TEMPLATE = path.join(ROOT, 'infra', 'kafka', 'cluster-server.properties');
const VOTERS = KAFKA_CLUSTER_NODES.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');

function nodeOf(idOrPort) {
  const n = KAFKA_CLUSTER_NODES.find((x) => x.id === idOrPort || x.port === idOrPort);
  if (!n) throw new Error(`no Kafka cluster node ${idOrPort} (ids 1-3, ports ${KAFKA_CLUSTER_NODES.map((x) => x.port).join('/')})`);
  return n;
}

/** The options kafka.mjs takes to address one node of the cluster. */
export function kafkaNodeInstance(idOrPort) {
  const n = nodeOf(idOrPort);
  return {
    port: n.port,
    controllerPort: n.controllerPort,
    dataDir: path.join(KAFKA_CLUSTER_DIR, `node-${n.id}`, 'data'),
    template: TEMPLATE,
    vars: { NODE_ID: n.id, PORT: n.port, CONTROLLER_PORT: n.controllerPort, VOTERS },
  };
}

/** Every node is formatted with the same cluster id (kafka.mjs reads it from the node's cluster.id). */
function shareClusterId() {
  const file = path.join(KAFKA_CLUSTER_DIR, 'cluster.id');
  fs.mkdirSync(KAFKA_CLUSTER_DIR, { recursive: true });
  let id = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!id) {
    do id = crypto.randomBytes(16).toString('base64url');
    while (id.startsWith('-'));
    fs.writeFileSync(file, `${id}\n`);
  }
  for (const n of KAFKA_CLUSTER_NODES) {
    const home = path.join(KAFKA_CLUSTER_DIR, `node-${n.id}`);
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, 'cluster.id'), `${id}\n`);
  }
}

/** Starts one node (it joins the other two); resolves once it serves metadata. */
export function startKafkaNode(idOrPort, opts = {}) {
  return startKafka({ ...kafkaNodeInstance(idOrPort), ...opts });
}

/** Stops one node: SIGTERM (clean) or SIGKILL (crash). */
export function stopKafkaNode(idOrPort, opts = {}) {
  return stopKafka({ ...kafkaNodeInstance(idOrPort), ...opts });
}

export function kafkaNodePid(idOrPort) {
  return kafkaPid(kafkaNodeInstance(idOrPort));
}

/**
 * Starts all three nodes at once (a controller quorum needs two of them before any is ready) and
 * waits until the cluster lists three brokers.
 */
export async function startKafkaCluster({ timeoutMs = 180_000 } = {}) {
  const t0 = Date.now();
  ensureKafkaJars();
  shareClusterId();
  const results = await Promise.all(KAFKA_CLUSTER_NODES.map((n) => startKafkaNode(n.id, { timeoutMs })));
  await waitFor(async () => (await kafkaMetadata({ port: KAFKA_CLUSTER_NODES[0].port }))?.brokers.length === KAFKA_CLUSTER_NODES.length, {
    timeoutMs,
    what: 'three brokers in the Kafka cluster metadata',
  });
  await ensureTopics({ port: KAFKA_CLUSTER_NODES[0].port });
  return { started: results.filter((r) => r.started).map((r) => r.pid), ms: Date.now() - t0 };
}

export async function stopKafkaCluster() {
  const out = [];
  for (const r of await Promise.allSettled(KAFKA_CLUSTER_NODES.map((n) => stopKafkaNode(n.id)))) {
    if (r.status === 'rejected') throw r.reason;
    if (r.value.stopped) out.push(r.value.pid);
  }
  return out;
}
