import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** A Lua script run with EVALSHA (falling back to EVAL); KEYS go through the client's keyPrefix. */
export type LuaScript = (keys: string[], args: Array<string | number>) => Promise<unknown>;

/**
 * Registers the script in `file` (next to the caller, see `new URL(..., import.meta.url)`) under a
 * module-unique command name. The key count is given per call, since it varies with the seats asked for.
 */
export function defineLuaScript(redis: Redis, name: string, file: URL): LuaScript {
  const lua = readFileSync(file, "utf8");
  const r = redis as unknown as Record<string, unknown>;
  if (typeof r[name] !== "function") redis.defineCommand(name, { lua });
  return (keys, args) => (r[name] as (...a: Array<string | number>) => Promise<unknown>).call(redis, keys.length, ...keys, ...args);
}
