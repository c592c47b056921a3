/**
 * npm run bench:rpc [-- --rounds 3] [-- --seconds 5] [-- --before <dir>] [-- --profile <dir>]
 * Where a no-op RPC's time goes, same run: our server's Health/Check (WORKERS=1) against the minimal
 * Connect-Node server and bare node:http. On a machine shared with other work, one target after the
 * other gives figures that swing 2x from one run to the next, so targets run in PAIRS, both loaded at
 * the same time (autocannon, Connect JSON, 32 connections each) and competing for the same cores: the
 * ratio of their requests/s and of their CPU per request (each server's user+system time from /proc
 * ÷ its answers) is what other load cannot skew. Several rounds, the order within a pair swapped.
 * --before <dir>: adds pairs against the server and the minimal server run from another source tree
 * (an older commit unpacked with its own node_modules, e.g. without the connect patches).
 * --profile <dir>: instead runs each target alone once under `node --cpu-prof`, profiles in <dir>
 * (summarise with bench/lib/cpuprofile-summary.mjs).
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

/** A server's own CPU use while idle (ms per s): our server checks its dependencies and runs timers in the background. */
async function idleCpuRate(srv: ServerProc, ms = 3000): Promise<number> {
  const c0 = cpuMs(srv.pid!);
  await new Promise((r) => setTimeout(r, ms));
  return ((cpuMs(srv.pid!) - c0) * 1000) / ms;
}

/**
 * serverCpuUsPerRequest counts everything the process did; serverNetCpuUsPerRequest first takes off its idle
 * rate (background work that does not grow with requests), which matters when a crowded machine lets the
 * server answer only tens of requests a second.
 */
async function load(srv: ServerProc, t: Target, durationS: number, idleMsPerS = 0) {
  const c0 = cpuMs(srv.pid!);
  const r = await runGenerator("http", { url: srv.url, path: t.path, items: [{ body: {} }], connections: CONNECTIONS, durationS });
  const used = cpuMs(srv.pid!) - c0;
  const net = Math.max(0, used - idleMsPerS * r.seconds);
  return {
    rps: r.rps, ok: r.ok, errors: r.errors, p99: r.latencyMs.p99, idleCpuMsPerS: Math.round(idleMsPerS),
    serverCpuUsPerRequest: r.requests ? Math.round((used * 1000) / r.requests) : null,
    serverNetCpuUsPerRequest: r.requests ? Math.round((net * 1000) / r.requests) : null,
    serverCpuCores: +(used / 1000 / r.seconds).toFixed(2),
  };
}

/** Both targets loaded at once, after a warm-up (JIT) of each. */
async function measurePair(a: Target, b: Target, durationS: number) {
  const [sa, sb] = [await a.start(), await b.start()];
  try {
    await Promise.all([load(sa, a, 1), load(sb, b, 1)]);
    const [ia, ib] = await Promise.all([idleCpuRate(sa), idleCpuRate(sb)]);
    const [ra, rb] = await Promise.all([load(sa, a, durationS, ia), load(sb, b, durationS, ib)]);
    return [ra, rb] as const;
  } finally {
    await Promise.all([sa.stop(), sb.stop()]);
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
  const byName = Object.fromEntries(targets.map((t) => [t.name, t]));
  const pairs: Array<[string, string]> = [["our server no-op", "minimal Connect-Node"], ["minimal Connect-Node", "bare node:http"]];
  if (before) pairs.push(["our server no-op", "our server no-op (before)"], ["minimal Connect-Node", "minimal Connect-Node (before)"]);
  const runs: Record<string, Array<Awaited<ReturnType<typeof load>>>> = {};
  const pairRatios: Record<string, Array<{ rps: number | null; cpuPerRequest: number | null; netCpuPerRequest: number | null }>> = {};
  const r3 = (a?: number | null, b?: number | null) => (a && b ? +(a / b).toFixed(3) : null);
  try {
    if (profileDir) {
      fs.mkdirSync(profileDir, { recursive: true });
      for (const t of targets) {
        if (t.path === "/check") continue; // bare node:http is not worth profiling
        const dir = path.join(profileDir, t.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
        process.env.BENCH_SERVER_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${dir}`;
        const srv = await t.start();
        try {
          await load(srv, t, 1);
          (runs[t.name] ??= []).push(await load(srv, t, seconds));
        } finally {
          await srv.stop();
        }
        log(`${t.name}: profiled into ${dir}`);
      }
    } else {
      for (let r = 0; r < rounds; r++) {
        for (const [x, y] of pairs) {
          const [a, b] = r % 2 === 0 ? [x, y] : [y, x];
          const [ma, mb] = await measurePair(byName[a]!, byName[b]!, seconds);
          (runs[a] ??= []).push(ma);
          (runs[b] ??= []).push(mb);
          const [mx, my] = a === x ? [ma, mb] : [mb, ma];
          (pairRatios[`${x} / ${y}`] ??= []).push({ rps: r3(mx.rps, my.rps), cpuPerRequest: r3(mx.serverCpuUsPerRequest, my.serverCpuUsPerRequest), netCpuPerRequest: r3(mx.serverNetCpuUsPerRequest, my.serverNetCpuUsPerRequest) });
          log(`round ${r + 1}/${rounds}: ${x} ${mx.rps}/s ${mx.serverCpuUsPerRequest} (net ${mx.serverNetCpuUsPerRequest}) µs CPU/req | ${y} ${my.rps}/s ${my.serverCpuUsPerRequest} (net ${my.serverNetCpuUsPerRequest}) µs CPU/req`);
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
    rpsMedian: median(v.map((x) => x.rps)), cpuUsPerRequestMedian: median(v.map((x) => x.serverCpuUsPerRequest ?? 0)),
    netCpuUsPerRequestMedian: median(v.map((x) => x.serverNetCpuUsPerRequest ?? 0)), rounds: v,
  }]));
  // Per pair, the median over rounds of the same-moment ratios (a / b): requests/s and CPU per request.
  const pairSummary = Object.fromEntries(Object.entries(pairRatios).map(([k, v]) => [k, {
    rps: median(v.map((x) => x.rps ?? 0)), cpuPerRequest: median(v.map((x) => x.cpuPerRequest ?? 0)),
    netCpuPerRequest: median(v.map((x) => x.netCpuPerRequest ?? 0)), rounds: v,
  }]));
  const pr = (k: string) => pairSummary[k];
  const ratios = {
    noopVsMinimalConnect: pr("our server no-op / minimal Connect-Node")?.rps ?? null,
    cpuPerRequestNoopVsMinimalConnect: pr("our server no-op / minimal Connect-Node")?.cpuPerRequest ?? null,
    netCpuPerRequestNoopVsMinimalConnect: pr("our server no-op / minimal Connect-Node")?.netCpuPerRequest ?? null,
    minimalConnectVsBareHttp: pr("minimal Connect-Node / bare node:http")?.rps ?? null,
    cpuPerRequestMinimalConnectVsBareHttp: pr("minimal Connect-Node / bare node:http")?.cpuPerRequest ?? null,
    ...(before ? {
      noopAfterVsBefore: pr("our server no-op / our server no-op (before)")?.rps ?? null,
      cpuPerRequestNoopAfterVsBefore: pr("our server no-op / our server no-op (before)")?.cpuPerRequest ?? null,
      netCpuPerRequestNoopAfterVsBefore: pr("our server no-op / our server no-op (before)")?.netCpuPerRequest ?? null,
      minimalConnectAfterVsBefore: pr("minimal Connect-Node / minimal Connect-Node (before)")?.rps ?? null,
      cpuPerRequestMinimalConnectAfterVsBefore: pr("minimal Connect-Node / minimal Connect-Node (before)")?.cpuPerRequest ?? null,
    } : {}),
  };
  const result = { runId, startedAt: new Date().toISOString(), machine: machine(), load1: +os.loadavg()[0].toFixed(2), rounds, seconds, connections: CONNECTIONS, before: before ?? null, summary, pairs: pairSummary, ratios };
  if (!profileDir) {
    const file = path.join(ROOT, "bench/results", `${new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "")}-rpc-overhead.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    log(`written ${path.relative(ROOT, file)}`);
  }
  const lines = ["| target | req/s (median) | server CPU µs/request (median) | net of idle | rounds req/s |", "| --- | ---: | ---: | ---: | --- |"];
  for (const [k, v] of Object.entries(summary)) lines.push(`| ${k} | ${v.rpsMedian.toLocaleString("en-US")} | ${v.cpuUsPerRequestMedian} | ${v.netCpuUsPerRequestMedian} | ${v.rounds.map((x) => x.rps).join(", ")} |`);
  process.stdout.write(lines.join("\n") + "\n\n" + JSON.stringify(ratios, null, 2) + "\n");
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
