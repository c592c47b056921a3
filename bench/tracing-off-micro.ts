/**
 * npx tsx bench/tracing-off-micro.ts
 * What tracing costs the hot path when it is OFF, per call, in-process: a prepared statement through
 * db/prepared.ts `run()` against the same statement without the tracingOn() check (main's code), and a
 * Lua script through lua-script.ts against a direct defineCommand call, both on stubs that answer at
 * once (so the figure is the wrapper, not MySQL or Redis). Alternating rounds; medians in ns per call.
 */
import type { Redis } from "ioredis";
import type { Transaction } from "sequelize";
import { run } from "../server/db/prepared.js";
import { defineLuaScripts } from "../server/redis/lua-script.js";

const N = 200_000;
const ROUNDS = 7;

const conn = { execute: (_sql: string, _p: unknown[], cb: (e: Error | null, r: unknown) => void) => cb(null, { affectedRows: 1, insertId: 1 }), query: () => {} };
const tx = { connection: conn } as unknown as Transaction;
const SQL = "UPDATE seats SET status = ? WHERE id = ?";
/** main's run(): the same promise around execute, no check. */
const mainRun = (t: Transaction, sql: string, params: Array<string | number | null>) =>
  new Promise((resolve, reject) => (t as unknown as { connection: typeof conn }).connection.execute(sql, params, (err, r) => (err ? reject(err) : resolve(r))));

const commands: Record<string, unknown> = { defineCommand(name: string) { commands[name] = (..._a: unknown[]) => Promise.resolve(1); } };
const redis = commands as unknown as Redis;
const scripts = defineLuaScripts(redis, new URL("../server/seats/lua/", import.meta.url), { seatsHold: { file: "hold-seats.lua" } });
const direct = (keys: string[], args: Array<string | number>) => (commands.seatsHold as (...a: unknown[]) => Promise<unknown>).call(redis, keys.length, ...keys, ...args);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / N;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const params = [1, 2];
const keys = ["a", "b"];
const args = [1, 2, 3];
const cases: Array<[string, () => Promise<unknown>]> = [
  ["prepared statement, main (no check)", () => mainRun(tx, SQL, params)],
  ["prepared statement, tracing off", () => run(tx, SQL, params)],
  ["Lua script, direct call", () => direct(keys, args)],
  ["Lua script, lua-script.ts, tracing off", () => scripts.seatsHold(keys, args)],
];
const out = new Map<string, number[]>();
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of r % 2 ? [...cases].reverse() : cases) out.set(name, [...(out.get(name) ?? []), await time(fn)]);
for (const [name, xs] of out) console.log(`${name.padEnd(42)} ${median(xs).toFixed(0)} ns/call  (rounds: ${xs.map((x) => x.toFixed(0)).join(", ")})`);
