import { readFileSync } from "node:fs";
import type { Redis, ChainableCommander } from "ioredis";

/** Failure codes the Lua scripts return in place of a result (one enum for the module). */
export enum QueueScriptFailure {
  /** The user has no current entry, or not the one the caller's token names. */
  NoSuchEntry = -1,
}

/** State codes the scripts use for an entry. */
export enum EntryState {
  Unknown = 0,
  Waiting = 1,
  Active = 2,
  Expired = 3,
}

const SCRIPTS = {
  queueEnter: { file: "enter.lua", keys: 11 },
  queueAdmit: { file: "admit.lua", keys: 8 },
  queueLeave: { file: "leave.lua", keys: 4 },
  queueStatus: { file: "status.lua", keys: 6 },
  queueStats: { file: "stats.lua", keys: 5 },
  queueListWaiting: { file: "list-waiting.lua", keys: 2 },
  queueUnlist: { file: "unlist.lua", keys: 3 },
  queueWatchBatch: { file: "watch-batch.lua", keys: 6 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type Runner = (...keysAndArgs: Array<string | number>) => Promise<unknown>;

/**
 * Registers the scripts on the shared client (EVALSHA with EVAL fallback; ioredis prefixes KEYS).
 * Names are module-qualified because other modules define commands on the same client.
 */
export function defineQueueScripts(redis: Redis): void {
  for (const [name, s] of Object.entries(SCRIPTS)) {
    if ((redis as unknown as Record<string, unknown>)[name]) continue;
    const lua = readFileSync(new URL(`./lua/${s.file}`, import.meta.url), "utf8");
    redis.defineCommand(name, { numberOfKeys: s.keys, lua });
  }
}

export function runScript(redis: Redis, name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown> {
  if (keys.length !== SCRIPTS[name].keys) throw new Error(`${name} takes ${SCRIPTS[name].keys} keys, got ${keys.length}`);
  return ((redis as unknown as Record<string, Runner>)[name]).call(redis, ...keys, ...args);
}

export function queueScript(pipeline: ChainableCommander, name: ScriptName, keys: string[], args: Array<string | number>): void {
  ((pipeline as unknown as Record<string, Runner>)[name]).call(pipeline, ...keys, ...args);
}
