/**
 * The stack a bench run stands up for itself and removes afterwards: services (npm run infra:up), a
 * fresh database per server phase, the server as a child process (node:cluster WORKERS), Kafka topics
 * under a unique prefix, and the cleanup of every Redis key under the run's prefix (SCAN + UNLINK).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Cluster, Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { createSequelize, dropDatabase, ensureDatabase } from "../../server/db/sequelize.js";
import { migrateUp } from "../../server/db/migrator.js";
import { createTopics as createSpecTopics } from "../../server/outbox/topic-spec.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MYSQL_ROOT = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
export const KAFKA_BROKERS = (process.env.BENCH_KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/**
 * Where a server under test keeps its state: the single-node services (default) or the scaled
 * topology of `npm run infra:up -- --topology scaled` (`npm run bench -- --scaled`, from .infra/scaled.env).
 */
export interface Target {
  name: "single-node" | "scaled";
  /** MySQL root URL (no database) of the primary; bench databases are created there */
  mysqlRoot: string;
  /** Replica root URLs; a server gets DATABASE_READ_URLS pointing at its own database on them */
  replicaRoots: string[];
  kafkaBrokers: string[];
  redisUrl: string;
  redisClusterNodes: string[];
}

export const SINGLE_NODE: Target = { name: "single-node", mysqlRoot: MYSQL_ROOT, replicaRoots: [], kafkaBrokers: KAFKA_BROKERS, redisUrl: REDIS_URL, redisClusterNodes: [] };

export const SCALED_ENV_FILE = path.join(ROOT, ".infra", "scaled.env");

/** The scaled topology from .infra/scaled.env (written by `npm run infra:up -- --topology scaled`). */
export function scaledTarget(): Target {
  if (!fs.existsSync(SCALED_ENV_FILE)) throw new Error(`${SCALED_ENV_FILE} is missing: run \`npm run infra:up -- --topology scaled\` first`);
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(SCALED_ENV_FILE, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  const list = (k: string) => (env[k] ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  const root = (u: string) => {
    const r = new URL(u);
    r.pathname = "";
    return r.toString().replace(/\/$/, "");
  };
  if (!env.DATABASE_URL || !env.KAFKA_BROKERS || !env.REDIS_CLUSTER_NODES) throw new Error(`${SCALED_ENV_FILE} lacks DATABASE_URL, KAFKA_BROKERS or REDIS_CLUSTER_NODES`);
  return {
    name: "scaled",
    mysqlRoot: env.TEST_MYSQL_URL ?? root(env.DATABASE_URL),
    replicaRoots: list("DATABASE_READ_URLS").map(root),
    kafkaBrokers: list("KAFKA_BROKERS"),
    redisUrl: REDIS_URL,
    redisClusterNodes: list("REDIS_CLUSTER_NODES"),
  };
}

/** The server environment that points it at `target` with its own database `dbName`. */
export function targetEnv(target: Target, dbName: string): Record<string, string> {
  return {
    DATABASE_URL: `${target.mysqlRoot}/${dbName}`,
    DATABASE_READ_URLS: target.replicaRoots.map((r) => `${r}/${dbName}`).join(","),
    KAFKA_BROKERS: target.kafkaBrokers.join(","),
    REDIS_URL: target.redisUrl,
    REDIS_CLUSTER_NODES: target.redisClusterNodes.join(","),
  };
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** `npm run infra:up` (idempotent: what already answers is reused); `scaled` adds `-- --topology scaled`. */
export function infraUp(scaled = false): void {
  const r = spawnSync("npm", ["run", "-s", "infra:up", ...(scaled ? ["--", "--topology", "scaled"] : [])], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`npm run infra:up${scaled ? " -- --topology scaled" : ""} failed; see the lines above`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

export async function freshDatabase(name: string, mysqlRoot = MYSQL_ROOT): Promise<string> {
  const url = `${mysqlRoot}/${name}`;
  await ensureDatabase(url);
  const db = createSequelize(url);
  try {
    await migrateUp(db);
  } finally {
    await db.close();
  }
  return url;
}
export { dropDatabase };

/** The SPEC topics under `prefix`, created as the app creates them (3 partitions; SPEC 7.4 replication). */
export async function createTopics(prefix: string, brokers = KAFKA_BROKERS): Promise<void> {
  const admin = new Kafka({ clientId: "bench", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await createSpecTopics(admin, ["reservation-events", "payment-events", "queue-events"].map((t) => prefix + t));
  } finally {
    await admin.disconnect();
  }
}

/** Messages on a topic = sum of its partitions' high watermarks (fresh topics start at offset 0). */
export async function topicMessageCount(topic: string, brokers = KAFKA_BROKERS): Promise<number> {
  const admin = new Kafka({ clientId: "bench", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(prefix: string, brokers = KAFKA_BROKERS): Promise<void> {
  const admin = new Kafka({ clientId: "bench", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  } catch {
    // Topic deletion may be disabled on a broker; leftover empty topics are harmless.
  } finally {
    await admin.disconnect();
  }
}

export async function unlinkPrefix(prefix: string, clusterNodes: string[] = []): Promise<number> {
  const cluster = clusterNodes.length
    ? new Cluster(clusterNodes.map((n) => ({ host: n.split(":")[0], port: Number(n.split(":")[1]) })), { lazyConnect: true })
    : undefined;
  if (cluster) await cluster.connect(); // the primaries are known once connected
  const nodes = cluster ? cluster.nodes("master") : [new Redis(REDIS_URL)];
  let n = 0;
  try {
    for (const redis of nodes) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]]/g, "\\$&")}*`, "COUNT", 5000);
        cursor = next;
        if (!keys.length) continue;
        // one key per UNLINK on a cluster node: the keys of one SCAN page live in many slots
        if (cluster) n += (await Promise.all(keys.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0);
        else n += await redis.unlink(...keys);
      } while (cursor !== "0");
    }
  } finally {
    if (cluster) cluster.disconnect();
    else nodes[0]!.disconnect();
  }
  return n;
}

export interface ServerProc {
  url: string;
  address: string;
  port: number;
  /** The child process (the cluster primary when WORKERS > 1), for reading its CPU time. */
  pid?: number;
  stop(): Promise<void>;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

// Children still running when the bench exits (an error, Ctrl-C) are killed with it, not left listening.
const children = new Set<ChildProcess>();
process.once("exit", () => children.forEach((c) => c.kill("SIGTERM")));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));

function stopper(child: ChildProcess): () => Promise<void> {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

/** `root` is the source tree to run (default: this one; bench/rpc-overhead.ts also runs an older tree). */
export async function startServer(env: Record<string, string>, workers: number, root = ROOT): Promise<ServerProc> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") goes to the server's node, to find where time goes.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  // The compiled server, as production runs it (bench/run.mjs builds dist/ first); from source via tsx
  // only when there is no build (bench-main.ts run by hand).
  const entry = fs.existsSync(path.join(root, "dist/server/main.js")) ? ["dist/server/main.js"] : ["--import", "tsx", "server/main.ts"];
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: root,
    env: { ...process.env, APP_ENV: "local", HOST: "127.0.0.1", PORT: String(port), WORKERS: String(workers), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = stopper(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  // Every worker must be up before load starts: with cluster, poll until the ready answers come from
  // as many distinct worker pids as requested (each /readyz says nothing about its pid, so wait a bit more).
  while (!(await httpOk(`${url}/readyz`))) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error("server not ready within 60 s");
    await sleep(250);
  }
  await sleep(workers > 1 ? 2500 : 300);
  return { url, address: `127.0.0.1:${port}`, port, pid: child.pid, stop };
}

export async function startBareHttp(workers: number): Promise<ServerProc> {
  return startBaseline([path.join(ROOT, "bench/load/bare-http.mjs")], { BARE_WORKERS: String(workers) });
}

/** The minimal Connect-Node server (one no-op handler, nothing else): the framework's own ceiling. */
export async function startMinimalConnect(workers: number, root = ROOT): Promise<ServerProc> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return startBaseline([...nodeArgs, "--import", "tsx", path.join(root, "bench/load/minimal-connect.ts")], { MINIMAL_WORKERS: String(workers) }, root);
}

async function startBaseline(args: string[], env: Record<string, string>, cwd = ROOT): Promise<ServerProc & { pid: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = stopper(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
    child.once("exit", (c) => reject(new Error(`${path.basename(args[args.length - 1]!)} exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}`, address: `127.0.0.1:${port}`, port, stop, pid: child.pid! };
}

let jobSeq = 0;
/** Runs a load generator in its own process with a job file; resolves to its JSON result. */
export async function runGenerator(kind: "http" | "grpc", job: unknown): Promise<any> {
  const file = path.join(os.tmpdir(), `bench-job-${process.pid}-${++jobSeq}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  const args = kind === "http" ? [path.join(ROOT, "bench/load/http-load.mjs"), file] : ["--import", "tsx", path.join(ROOT, "bench/load/grpc-load.ts"), file];
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      child.once("exit", (code) => {
        const line = out.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`${kind} generator exited ${code} without a result: ${out.slice(0, 500)}`));
        }
      });
    });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export function machine() {
  const cpus = os.cpus();
  const redisV = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout?.match(/v=([\d.]+)/)?.[1];
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    redis: redisV ?? "unknown",
    sharedWithLoadGenerators: true,
  };
}
