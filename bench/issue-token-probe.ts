/**
 * node --import tsx bench/issue-token-probe.ts [--rounds 3] [--seconds 4] [--fans 6000] [--before <dir>]
 *   [--only noop,issue,status] [--profile <dir>] [--redis]
 * The waiting room's two hot RPCs alone (issue 11), for profiling and before/after comparisons on a
 * shared machine: the server as a child process (WORKERS=1, compiled dist/), then in rounds, one after
 * the other, the no-op RPC (Health/Check), IssueToken (a new fan per call; the line admits 100) and
 * GetQueueStatus (waiting fans polling), each over Connect JSON with the bench's generator (autocannon,
 * 32 connections). What other load cannot skew: the server's CPU per request (user+system from /proc ÷
 * answers) and the ratio of IssueToken's to the no-op's; requests/s are printed but swing with the
 * machine. Redis' own time per EVALSHA comes from INFO commandstats deltas (shared Redis: other
 * processes' EVALSHAs count too, so it is an upper bound).
 * --before <dir>: the same targets against a second source tree (an older commit unpacked with
 *   node_modules and built): both servers loaded with the same target AT THE SAME TIME (as
 *   bench/rpc-overhead.ts pairs its targets), so both see the same machine; the after/before ratio of
 *   CPU per request is what to quote. Each server's idle CPU rate (tickers, health checks) is
 *   measured first and taken off ("net").
 * --after <dir>: that tree in place of this one.
 * --profile <dir>: one round under `node --cpu-prof` (profile per target: use --only), profiles in
 *   <dir>/now and <dir>/before (with --before, both servers profiled under the same load at once).
 * --redis: also the bench's redis-benchmark baseline of enter.lua/status.lua (bench/lib/redis-baseline.ts).
 */
import fs from "node:fs";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { adminClient, concertWithSeats, issueTokens, jwts, range } from "./lib/fixtures.js";
import { redisBaseline } from "./lib/redis-baseline.js";
import {
  createTopics, deleteTopics, dropDatabase, freshDatabase, log, REDIS_URL, ROOT, runGenerator, startServer, unlinkPrefix, type ServerProc,
} from "./lib/stack.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const rounds = Number(opt("rounds", "3"));
const seconds = Number(opt("seconds", "4"));
const fansPerRound = Number(opt("fans", "6000"));
const before = opt("before", "");
/** --after <dir>: another tree in place of this one (e.g. to compare two older commits). */
const after = opt("after", "");
const only = new Set(opt("only", "noop,issue,status").split(","));
const profileDir = opt("profile", "");
const statusFans = 2000;
const runId = randomBytes(3).toString("hex");

function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

const redis = new Redis(REDIS_URL);
async function evalshaStats(): Promise<{ calls: number; usec: number }> {
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info("commandstats"));
  return m ? { calls: Number(m[1]), usec: Number(m[2]) } : { calls: 0, usec: 0 };
}

interface Stand {
  name: string;
  server: ServerProc;
  issueItems: Array<{ headers: Record<string, string>; body: unknown }>;
  issuePath: string;
  statusItems: Array<{ headers: Record<string, string>; body: unknown }>;
  cleanup(): Promise<void>;
}

async function stand(name: string, root: string, tag: string): Promise<Stand> {
  const dbUrl = await freshDatabase(`concert_itprobe_${runId}_${tag}`);
  const prefix = `itprobe:${runId}:${tag}:`;
  const topicPrefix = `itprobe_${runId}_${tag}.`;
  await createTopics(topicPrefix);
  if (profileDir) process.env.BENCH_SERVER_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${profileDir}/${tag}`;
  const server = await startServer({ DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PREFIX: topicPrefix, QUEUE_MAX_ACTIVE: "100000",
    // No background workers (admission ticker, outbox relay, projections): their CPU is not per request
    // and swings with the machine; IssueToken admits by itself (enter.lua), so the scenario is the same.
    RUN_WORKERS: "false" }, 1, root);
  const cleanup = async () => {
    await server.stop();
    await dropDatabase(dbUrl).catch(() => {});
    await unlinkPrefix(prefix).catch(() => {});
    await deleteTopics(topicPrefix).catch(() => {});
  };
  try {
    const admin = await adminClient(server.url);
    const a = await concertWithSeats(admin, "probe issue", 50, 100);
    const base = tag === "before" ? 80_000_000 : 40_000_000;
    const ids = range(base + 1, fansPerRound * (rounds + 1));
    const tokens = await jwts(ids);
    const issueItems = tokens.map((t) => ({ headers: { authorization: `Bearer ${t}` }, body: { concertId: String(a.concertId) } }));
    const b = await concertWithSeats(admin, "probe status", 50, 0);
    const sIds = range(base + 30_000_001, statusFans);
    const sJwts = await jwts(sIds);
    const tickets = await issueTokens(server.url, b.concertId, sIds, sJwts);
    const statusItems = sIds.map((_, i) => ({ headers: { authorization: `Bearer ${sJwts[i]}`, "x-queue-token": tickets[i]!.token }, body: {} }));
    return { name, server, issueItems, issuePath: "/concert.v1.QueueService/IssueToken", statusItems, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

const TARGETS = {
  noop: { path: "/grpc.health.v1.Health/Check", items: (_s: Stand, _r: number) => [{ headers: {}, body: {} }] },
  issue: { path: "/concert.v1.QueueService/IssueToken", items: (s: Stand, r: number) => s.issueItems.slice(r * fansPerRound, (r + 1) * fansPerRound) },
  status: { path: "/concert.v1.QueueService/GetQueueStatus", items: (s: Stand, _r: number) => s.statusItems },
} as const;
type TargetName = keyof typeof TARGETS;

/** A server's own CPU use while idle (ms per s): background work that does not grow with requests. */
async function idleCpuRate(s: Stand, ms = 3000): Promise<number> {
  const c0 = cpuMs(s.server.pid!);
  await new Promise((r) => setTimeout(r, ms));
  return ((cpuMs(s.server.pid!) - c0) * 1000) / ms;
}
const idle = new Map<Stand, number>();

async function load(s: Stand, t: TargetName, slot: number, durationS: number) {
  const pid = s.server.pid!;
  const c0 = cpuMs(pid);
  const r0 = await evalshaStats();
  const r = await runGenerator("http", { url: s.server.url, path: TARGETS[t].path, items: TARGETS[t].items(s, slot), connections: 32, durationS });
  const used = cpuMs(pid) - c0;
  const net = Math.max(0, used - (idle.get(s) ?? 0) * r.seconds);
  const r1 = await evalshaStats();
  const evals = r1.calls - r0.calls;
  return {
    rps: r.rps, requests: r.requests, errors: r.errors, p99: r.latencyMs.p99,
    serverCpuUsPerRequest: r.requests ? Math.round((used * 1000) / r.requests) : null,
    serverNetCpuUsPerRequest: r.requests ? Math.round((net * 1000) / r.requests) : null,
    serverCpuCores: +(used / 1000 / r.seconds).toFixed(2),
    redisEvalshaPerRequest: r.requests ? +(evals / r.requests).toFixed(2) : null,
    redisUsPerEvalsha: evals ? +((r1.usec - r0.usec) / evals).toFixed(1) : null,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};

async function main() {
  const stands = [await stand(after ? `after (${after})` : "this tree", after || ROOT, "now")];
  if (before) stands.push(await stand(`before (${before})`, before, "before"));
  const runs: Record<string, Record<string, Array<Awaited<ReturnType<typeof load>>>>> = {};
  const targets = (Object.keys(TARGETS) as TargetName[]).filter((t) => only.has(t));
  const out: Record<string, unknown> = { runId, startedAt: new Date().toISOString(), load1AtStart: +os.loadavg()[0].toFixed(2), rounds, seconds };
  try {
    // Warm-up (JIT, connection pools): 1 s of each target; IssueToken uses the spare last slice of fans.
    for (const s of stands) for (const t of targets) await load(s, t, rounds, 1);
    const idles = await Promise.all(stands.map((s) => idleCpuRate(s)));
    stands.forEach((s, i) => idle.set(s, idles[i]!));
    log(`idle CPU ms/s: ${stands.map((s, i) => `${s.name} ${idles[i]!.toFixed(1)}`).join(", ")}`);
    for (let r = 0; r < (profileDir ? 1 : rounds); r++) {
      for (const t of targets) {
        // With --before, both trees under the same load at once (EVALSHA figures then mix both).
        // Which generator starts first alternates from round to round.
        const order = r % 2 === 0 ? stands : [...stands].reverse();
        const byStand = new Map(order.map((s, i) => [s, i]));
        const got = await Promise.all(order.map((s) => load(s, t, r, seconds)));
        const ms = stands.map((s) => got[byStand.get(s)!]!);
        stands.forEach((s, i) => {
          const m = ms[i]!;
          ((runs[s.name] ??= {})[t] ??= []).push(m);
          log(`round ${r + 1} ${s.name} ${t}: ${m.rps}/s, ${m.serverCpuUsPerRequest} (net ${m.serverNetCpuUsPerRequest}) µs server CPU/req ` +
            `(${m.serverCpuCores} cores), ${m.redisEvalshaPerRequest} EVALSHA/req at ${m.redisUsPerEvalsha} µs, errors ${JSON.stringify(m.errors)}`);
        });
        if (ms.length === 2) log(`round ${r + 1} ${t}: after/before CPU per request ${(ms[0]!.serverNetCpuUsPerRequest! / ms[1]!.serverNetCpuUsPerRequest!).toFixed(3)}`);
      }
    }
    if (args.includes("--redis")) out.redis = await redisBaseline(`itprobe:${runId}:rb:`, 20_000, 32);
  } finally {
    for (const s of stands) await s.cleanup();
    await unlinkPrefix(`itprobe:${runId}:rb:`).catch(() => {});
    redis.disconnect();
  }
  const summary: Record<string, Record<string, unknown>> = {};
  for (const [name, byT] of Object.entries(runs)) {
    const cpu = (t: string) => median((byT[t] ?? []).map((x) => x.serverNetCpuUsPerRequest ?? 0));
    const rps = (t: string) => median((byT[t] ?? []).map((x) => x.rps));
    summary[name] = {
      ...Object.fromEntries(Object.keys(byT).map((t) => [t, { rpsMedian: rps(t), netCpuUsPerRequestMedian: cpu(t), redisUsPerEvalsha: median(byT[t]!.map((x) => x.redisUsPerEvalsha ?? 0)) }])),
      issueVsNoopRps: byT.issue && byT.noop ? +(rps("issue") / rps("noop")).toFixed(3) : null,
      noopVsIssueCpuPerRequest: byT.issue && byT.noop ? +(cpu("noop") / cpu("issue")).toFixed(3) : null,
      statusVsNoopRps: byT.status && byT.noop ? +(rps("status") / rps("noop")).toFixed(3) : null,
      noopVsStatusCpuPerRequest: byT.status && byT.noop ? +(cpu("noop") / cpu("status")).toFixed(3) : null,
      rounds: byT,
    };
  }
  out.summary = summary;
  if (stands.length === 2) {
    const [a, b] = stands.map((s) => runs[s.name]!);
    out.afterVsBeforeCpuPerRequest = Object.fromEntries(targets.map((t) => [t, median(a![t]!.map((x, i) => x.serverNetCpuUsPerRequest! / b![t]![i]!.serverNetCpuUsPerRequest!))]));
  }
  out.load1AtEnd = +os.loadavg()[0].toFixed(2);
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
