import type { Redis, ChainableCommander } from "ioredis";
import { defineLuaScripts, type LuaScript } from "../../redis/lua-script.js";

/** The waiting room's scripts (KEYS/ARGV are documented in each file's header). */
const SCRIPTS = {
  queueEnter: { file: "enter.lua", keys: 16 },
  queueAdmit: { file: "admit.lua", keys: 13 },
  queueLeave: { file: "leave.lua", keys: 7 },
  queueStatus: { file: "status.lua", keys: 11 },
  queueStats: { file: "stats.lua", keys: 7 },
  queueListWaiting: { file: "list-waiting.lua", keys: 2 },
  queueUnlist: { file: "unlist.lua", keys: 5 },
  queueWatchBatch: { file: "watch-batch.lua", keys: 11 },
  queueSetOpening: { file: "set-opening.lua", keys: 2 },
  queueRestoreOpening: { file: "restore-opening.lua", keys: 1 },
  queueGetDraw: { file: "get-draw.lua", keys: 2 },
  queueSoldOut: { file: "sold-out.lua", keys: 4 },
  queueReopen: { file: "reopen.lua", keys: 2 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const registered = new WeakMap<Redis, Record<ScriptName, LuaScript>>();

/** Registers the queue scripts on the shared client (once per client). */
export function defineQueueScripts(redis: Redis): Record<ScriptName, LuaScript> {
  let scripts = registered.get(redis);
  if (!scripts) registered.set(redis, (scripts = defineLuaScripts(redis, new URL("./", import.meta.url), SCRIPTS)));
  return scripts;
}

export function runScript(redis: Redis, name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown> {
  return defineQueueScripts(redis)[name](keys, args);
}

export function queueScript(pipeline: ChainableCommander, name: ScriptName, keys: string[], args: Array<string | number>): void {
  // A pipeline carries the scripts of the client it came from.
  defineQueueScripts((pipeline as unknown as { redis: Redis }).redis)[name].queue(pipeline, keys, args);
}
