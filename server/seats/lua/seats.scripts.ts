import type { Redis } from "ioredis";
import { defineLuaScripts } from "../../redis/lua-script.js";

/** The seat scripts (KEYS/ARGV are documented in each file's header); key counts vary with the seats asked for. */
export const seatScripts = (redis: Redis) =>
  defineLuaScripts(redis, new URL("./", import.meta.url), {
    seatsHold: { file: "hold-seats.lua" },
    seatsRelease: { file: "release-seats.lua" },
    seatsRepair: { file: "repair-seats.lua" },
    seatsDropStaleHolds: { file: "drop-stale-holds.lua" },
    seatsLoadStatus: { file: "load-seat-status.lua", keys: 2 },
    seatsCounts: { file: "seat-counts.lua", keys: 1 },
  });
