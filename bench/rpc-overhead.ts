/**
 * npm run bench:rpc [-- --rounds 4] [-- --seconds 5] [-- --before <dir>] [-- --profile <dir>]
 * Where a no-op RPC's time goes, same run: our server's Health/Check (WORKERS=1) against the minimal
 * Connect-Node server and bare node:http, alternating for several rounds so that other work on the
 * machine hits every target alike. For each target: requests/s (autocannon, Connect JSON, 32
 * connections) and the server's CPU per request (its user+system time from /proc ÷ answers).
 * --before <dir>: also runs the server and the minimal server from another source tree (an older
 * commit unpacked with its own node_modules, e.g. without the connect-node patch), for before/after.
 * --profile <dir>: instead runs each target once under `node --cpu-prof`, profiles written to <dir>.
 * Writes bench/results/<date>-rpc-overhead.json and prints a table.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  createTopics, deleteTopics, dropDatabase, freshDatabase, log, machine, ROOT, runGenerator, startBareHttp,
  startMinimalConnect, startServer, unlinkPrefix, type ServerProc,
} from "./lib/stack.js";

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rounds = Number(opt("rounds") ?? 4);
const seconds = Number(opt("seconds") ?? 5);
const before = opt("before");
const profileDir = opt("profile");
const runId = randomBytes(3).toString("hex");
const CONNECTIONS = 32;
const NOOP = "/grpc.health.v1.Health/Check";

/** utime + stime of a process in ms (Linux /proc; clock ticks are 100 Hz everywhere we run). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

interface Target {
  name: string;
  path: string;
  start(): Promise<ServerProc>;
}

async function measure(t: Target, durationS: number) {
  const srv = await t.start();
  try {
    await runGenerator("http", { url: srv.url, path: t.path, items: [{ body: {} }], connections: CONNECTIONS, durationS: 1 }); // warm-up (JIT)
    const c0 = cpuMs(srv.pid!);
    const r = await runGenerator("http", { url: srv.url, path: t.path, items: [{ body: {} }], connections: CONNECTIONS, durationS });
    const used = cpuMs(srv.pid!) - c0;
    return { rps: r.rps, ok: r.ok, errors: r.errors, p99: r.latencyMs.p99, serverCpuUsPerRequest: r.requests ? Math.round((used * 1000) / r.requests) : null, serverCpuCores: +(used / 1000 / r.seconds).toFixed(2) };
  } finally {
    await srv.stop();
  }
}

async function main() {
  const dbName = `concert_rpcbench_${runId}`;
  const prefix = `bench:${runId}:rpc:`;
  const topicPrefix = `bench_${runId}_rpc.`;
  const dbUrl = await freshDatabase(dbName);
  await createTopics(topicPrefix);
  const env = { DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PREFIX: topicPrefix, RUN_WORKERS: "false" };
  const targets: Target[] = [
    { name: "bare node:http", path: "/check", start: () => startBareHttp(1) },
    { name: "minimal Connect-Node", path: NOOP, start: () => startMinimalConnect(1) },
    { name: "our server no-op", path: NOOP, start: () => startServer(env, 1) },
  ];
  if (before) {
    targets.push({ name: "minimal Connect-Node (before)", path: NOOP, start: () => startMinimalConnect(1, before) });
    targets.push({ name: "our server no-op (before)", path: NOOP, start: () => startServer(env, 1, before) });
  }
  const runs: Record<string, Array<Awaited<ReturnType<typeof measure>>>> = {};
  try {
    if (profileDir) {
      fs.mkdirSync(profileDir, { recursive: true });
      for (const t of targets) {
        const dir = path.join(profileDir, t.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
        process.env.BENCH_SERVER_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
        if (t.path === "/check") continue; // bare node:http is not worth profiling
        (runs[t.name] ??= []).push(await measure(t, seconds));
        log(`${t.name}: profiled into ${dir}`);
      }
    } else {
      for (let r = 0; r < rounds; r++) {
        // Rotate the order each round, so no target always runs first (or last) after a quiet spell.
        const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
        for (const t of order) {
          const m = await measure(t, seconds);
          (runs[t.name] ??= []).push(m);
          log(`round ${r + 1}/${rounds} ${t.name}: ${m.rps}/s, ${m.serverCpuUsPerRequest} µs CPU/request, errors ${JSON.stringify(m.errors)}`);
        }
      }
    }
  } finally {
    await dropDatabase(dbUrl).catch(() => {});
    await unlinkPrefix(prefix).catch(() => {});
    await deleteTopics(topicPrefix).catch(() => {});
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
  };
  const summary = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, {
    rpsMedian: median(v.map((x) => x.rps)), cpuUsPerRequestMedian: median(v.map((x) => x.serverCpuUsPerRequest ?? 0)), rounds: v,
  }]));
  const rps = (k: string) => summary[k]?.rpsMedian;
  const cpu = (k: string) => summary[k]?.cpuUsPerRequestMedian;
  const ratio = (a?: number, b?: number) => (a && b ? +(a / b).toFixed(3) : null);
  const ratios = {
    noopVsMinimalConnect: ratio(rps("our server no-op"), rps("minimal Connect-Node")),
    minimalConnectVsBareHttp: ratio(rps("minimal Connect-Node"), rps("bare node:http")),
    noopVsBareHttp: ratio(rps("our server no-op"), rps("bare node:http")),
    cpuPerRequestNoopVsMinimalConnect: ratio(cpu("our server no-op"), cpu("minimal Connect-Node")),
    ...(before ? {
      noopAfterVsBefore: ratio(rps("our server no-op"), rps("our server no-op (before)")),
      minimalConnectAfterVsBefore: ratio(rps("minimal Connect-Node"), rps("minimal Connect-Node (before)")),
      cpuPerRequestNoopAfterVsBefore: ratio(cpu("our server no-op"), cpu("our server no-op (before)")),
      cpuPerRequestMinimalAfterVsBefore: ratio(cpu("minimal Connect-Node"), cpu("minimal Connect-Node (before)")),
    } : {}),
  };
  const result = { runId, startedAt: new Date().toISOString(), machine: machine(), load1: +os.loadavg()[0].toFixed(2), rounds, seconds, connections: CONNECTIONS, before: before ?? null, summary, ratios };
  if (!profileDir) {
    const file = path.join(ROOT, "bench/results", `${new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "")}-rpc-overhead.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    log(`written ${path.relative(ROOT, file)}`);
  }
  const lines = ["| target | req/s (median) | server CPU µs/request (median) | rounds req/s |", "| --- | ---: | ---: | --- |"];
  for (const [k, v] of Object.entries(summary)) lines.push(`| ${k} | ${v.rpsMedian.toLocaleString("en-US")} | ${v.cpuUsPerRequestMedian} | ${v.rounds.map((x) => x.rps).join(", ")} |`);
  process.stdout.write(lines.join("\n") + "\n\n" + JSON.stringify(ratios, null, 2) + "\n");
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
