import type { Redis } from "ioredis";
import { defineLuaScripts } from "../../redis/lua-script.js";

/** The catalogue's scripts (KEYS/ARGV are documented in each file's header). */
export const concertScripts = (redis: Redis) =>
  defineLuaScripts(redis, new URL("./", import.meta.url), {
    concertSetInfo: { file: "set-concert-info.lua", keys: 2 },
  });
