/**
 * Storage baseline: redis-benchmark (its own process) on the same Redis, running the queue's own Lua
 * scripts (server/queue/lua/enter.lua and status.lua, loaded with SCRIPT LOAD and called by EVALSHA
 * with the server's key layout under the run's prefix, random user ids via -r) and PING as the
 * round-trip floor. Same concurrency as the API load (-c), no pipelining (-P 1), like the server.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { readLuaScript } from "../../server/redis/lua-script.js";
import { concertQueueKeys } from "../../server/queue/queue-keys.js";
import { REDIS_URL, ROOT } from "./stack.js";

export interface RedisBenchLine { rps: number; p50: number; p95: number; p99: number }

function run(args: string[]): RedisBenchLine {
  const u = new URL(REDIS_URL);
  const r = spawnSync("redis-benchmark", ["-h", u.hostname, "-p", u.port || "6379", "--csv", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const line = r.stdout.trim().split("\n").filter((l) => !l.startsWith('"test"')).pop()!;
  const f = line.split('","').map((s) => s.replace(/"/g, ""));
  return { rps: Math.round(Number(f[1])), p50: Number(f[4]), p95: Number(f[5]), p99: Number(f[6]) };
}

export async function redisBaseline(prefix: string, requests: number, clients: number) {
  const redis = new Redis(REDIS_URL);
  const lua = (f: string) => readLuaScript(pathToFileURL(path.join(ROOT, "server/queue/lua", f)));
  const enterSha = (await redis.script("LOAD", lua("enter.lua"))) as string;
  const statusSha = (await redis.script("LOAD", lua("status.lua"))) as string;
  const k = concertQueueKeys(900_000);
  const p = (key: string) => prefix + key;
  // No scheduled opening (SPEC 7.3): the opening hash IssueToken restores from MySQL for such a concert.
  await redis.hset(p(k.opening), "at", "0");
  redis.disconnect();
  const active = p(`${k.activeBase}__rand_int__`);
  const keyspace = "100000";
  const common = ["-c", String(clients), "-n", String(requests), "-r", keyspace];
  const ping = run([...common, "PING"]);
  // The whole IssueToken step (enter, admit into free slots, report); admission paused (default max 0).
  const enter = run([...common, "EVALSHA", enterSha, "16", p(k.seq), p(k.waiting), active, p(k.activeExpiry), p(k.version), p(k.maxActive),
    p(k.admittedTotal), p(k.admissions), p(k.activeBase), p(k.clock), p(k.listed), p(k.opening), p(k.pre), p(k.preFans), p(k.soldOut), p(k.slots),
    "__rand_int__", "1800000", "0", "60000", "1000", "100", "0", "0", "", ""]);
  // status of users the enter run put in line: its entry id argument rarely matches, so this is
  // mostly the EXPIRED path (one ZRANK fewer than a WAITING fan's).
  const status = run([...common, "EVALSHA", statusSha, "11", p(k.seq), p(k.waiting), active, p(k.activeExpiry), p(k.admissions), p(k.maxActive),
    p(k.opening), p(k.pre), p(k.preFans), p(k.soldOut), p(k.slots), "__rand_int__", "1", "60000"]);
  return {
    tool: `redis-benchmark -c ${clients} -n ${requests} -r ${keyspace} -P 1`,
    ping, enterScript: enter, statusScript: status,
  };
}
