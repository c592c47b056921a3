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
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { createSequelize, dropDatabase, ensureDatabase } from "../../server/db/sequelize.js";
import { migrateUp } from "../../server/db/migrator.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MYSQL_ROOT = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
export const KAFKA_BROKERS = (process.env.BENCH_KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

export function infraUp(): void {
  const r = spawnSync("npm", ["run", "-s", "infra:up"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error("npm run infra:up failed; see the lines above");
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

export async function freshDatabase(name: string): Promise<string> {
  const url = `${MYSQL_ROOT}/${name}`;
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

export async function createTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: "bench", brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: ["reservation-events", "payment-events", "queue-events"].map((t) => ({ topic: prefix + t, numPartitions: 3 })) });
  } finally {
    await admin.disconnect();
  }
}

/** Messages on a topic = sum of its partitions' high watermarks (fresh topics start at offset 0). */
export async function topicMessageCount(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: "bench", brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: "bench", brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
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

export async function unlinkPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let n = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]]/g, "\\$&")}*`, "COUNT", 5000);
      cursor = next;
      if (keys.length) n += await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
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
