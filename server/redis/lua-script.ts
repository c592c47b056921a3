import { readFileSync } from "node:fs";
import type { ChainableCommander, Redis } from "ioredis";
import { inChildSpan, SpanKind, tracingOn } from "../tracing/tracing.js";

/**
 * The one place that registers Lua scripts with Redis (as BullMQ does): each module lists its scripts
 * in a registry beside them (`server/<module>/lua/<module>.scripts.ts`) and calls `defineLuaScripts`.
 * Scripts run with EVALSHA (ioredis falls back to EVAL); KEYS go through the client's keyPrefix.
 */
export interface LuaScriptSpec {
  /** File name, relative to the registry's folder. */
  file: string;
  /** Fixed number of KEYS, checked on every call; omitted when it varies (e.g. with the seats asked for). */
  keys?: number;
}

/** Runs the script; `.queue` adds the same call to a pipeline instead (many calls, one round trip). */
export interface LuaScript {
  (keys: string[], args: Array<string | number>): Promise<unknown>;
  queue(pipeline: ChainableCommander, keys: string[], args: Array<string | number>): void;
}

/**
 * A script's source, with each `--#include <file>` line replaced by that file (same folder): a helper
 * several scripts share is written once, and each script still runs as one atomic EVALSHA.
 */
export function readLuaScript(url: URL): string {
  return readFileSync(url, "utf8").replace(/^--#include (\S+)$/gm, (_, file: string) => readFileSync(new URL(file, url), "utf8").trimEnd());
}

type Runner = (...keysAndArgs: Array<string | number>) => Promise<unknown>;

/**
 * Registers every script of a registry on the shared client under its name (names are
 * module-qualified, since every module defines commands on the same client) and returns runners.
 */
export function defineLuaScripts<Name extends string>(redis: Redis, folder: URL, specs: Record<Name, LuaScriptSpec>): Record<Name, LuaScript> {
  const commands = redis as unknown as Record<string, Runner>;
  const out = {} as Record<Name, LuaScript>;
  for (const name of Object.keys(specs) as Name[]) {
    const spec = specs[name];
    if (typeof commands[name] !== "function") redis.defineCommand(name, { lua: readLuaScript(new URL(spec.file, folder)) });
    const argv = (keys: string[], args: Array<string | number>) => {
      if (spec.keys !== undefined && keys.length !== spec.keys) throw new Error(`${name} takes ${spec.keys} keys, got ${keys.length}`);
      return [keys.length, ...keys, ...args];
    };
    const call = (keys: string[], args: Array<string | number>) => commands[name].call(redis, ...argv(keys, args));
    const attributes = { "db.system.name": "redis", "db.operation.name": "EVALSHA", "db.stored_procedure.name": name };
    const spanName = `EVALSHA ${name}`;
    const run = ((keys, args) => (tracingOn() ? inChildSpan(spanName, SpanKind.CLIENT, attributes, () => call(keys, args)) : call(keys, args))) as LuaScript;
    run.queue = (pipeline, keys, args) => void (pipeline as unknown as Record<string, Runner>)[name].call(pipeline, ...argv(keys, args));
    out[name] = run;
  }
  return out;
}

/**
 * Runs a pipeline (many commands or queued scripts, one round trip). The one way the code executes a
 * pipeline, so that with tracing on the round trip is a Redis span (named after what it does) in the caller's trace.
 */
export function execPipeline(pipeline: ChainableCommander, what: string): ReturnType<ChainableCommander["exec"]> {
  if (!tracingOn()) return pipeline.exec();
  return inChildSpan(`pipeline ${what}`, SpanKind.CLIENT, { "db.system.name": "redis", "db.operation.name": "PIPELINE", "db.operation.batch.size": pipeline.length }, () => pipeline.exec());
}
