/**
 * node --import tsx bench/autopipeline-micro.ts [--calls 20000] [--inflight 32] [--rounds 6]
 * The client side of IssueToken's one Redis round trip, with and without ioredis' enableAutoPipelining:
 * this process's CPU (user+system, process.cpuUsage) per enter.lua call, `inflight` calls at a time
 * (the server's 32 connections), both clients in the same process, alternating round by round, so a
 * busy machine skews both alike. Redis is the shared one (keys under a unique prefix, removed after).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { concertQueueKeys } from "../server/queue/queue-keys.js";
import { defineQueueScripts } from "../server/queue/lua/queue.scripts.js";
import { enterKeys } from "../server/queue/queue.store.redis.js";
import { seatScripts } from "../server/seats/lua/seats.scripts.js";
import { concertScripts } from "../server/concert/lua/concert.scripts.js";
import { REDIS_URL, unlinkPrefix } from "./lib/stack.js";

const args = process.argv.slice(2);
const opt = (n: string, d: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const calls = Number(opt("calls", "20000"));
const inflight = Number(opt("inflight", "32"));
const rounds = Number(opt("rounds", "6"));
const prefix = `apmicro:${randomBytes(3).toString("hex")}:`;

function client(auto: boolean): Redis {
  const r = new Redis(REDIS_URL, { keyPrefix: prefix, enableOfflineQueue: true, maxRetriesPerRequest: 1, enableAutoPipelining: auto });
  // Every module's scripts, as in the server: a pipeline copies each defined script onto itself.
  defineQueueScripts(r);
  seatScripts(r);
  concertScripts(r);
  return r;
}

let uid = 1;
async function run(r: Redis, concertId: number) {
  const k = concertQueueKeys(concertId);
  await r.hset(k.opening, "at", "0");
  const scripts = defineQueueScripts(r);
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inflight }, async () => {
    while (next++ < calls) {
      const u = uid++;
      await scripts.queueEnter(enterKeys(k, u), [u, 1_800_000, 100, 60_000, 1000, 100, "0", "0", "", ""]);
    }
  }));
  const c = process.cpuUsage(c0);
  return { cpuUsPerCall: (c.user + c.system) / calls, sysUsPerCall: c.system / calls, perSecond: Math.round(calls / ((performance.now() - t0) / 1000)) };
}

const plain = client(false);
const auto = client(true);
const out: Record<string, Array<Awaited<ReturnType<typeof run>>>> = { plain: [], auto: [] };
try {
  await run(plain, 1);
  await run(auto, 2);
  for (let i = 0; i < rounds; i++) {
    const order: Array<["plain" | "auto", Redis]> = i % 2 ? [["auto", auto], ["plain", plain]] : [["plain", plain], ["auto", auto]];
    for (const [name, r] of order) out[name]!.push(await run(r, 10 + i * 2 + (name === "auto" ? 1 : 0)));
    console.error(`round ${i + 1}: plain ${out.plain!.at(-1)!.cpuUsPerCall.toFixed(1)} µs/call, auto ${out.auto!.at(-1)!.cpuUsPerCall.toFixed(1)} µs/call`);
  }
} finally {
  plain.disconnect();
  auto.disconnect();
  await unlinkPrefix(prefix);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const summary = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, {
  cpuUsPerCall: +med(v.map((x) => x.cpuUsPerCall)).toFixed(1), sysUsPerCall: +med(v.map((x) => x.sysUsPerCall)).toFixed(1), perSecond: med(v.map((x) => x.perSecond)),
}]));
console.log(JSON.stringify({ calls, inflight, rounds, summary, autoVsPlainCpu: +(summary.auto!.cpuUsPerCall / summary.plain!.cpuUsPerCall).toFixed(3) }));
process.exit(0);
