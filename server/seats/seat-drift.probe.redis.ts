import type { Redis } from "ioredis";
import type { LuaScript } from "../redis/lua-script.js";
import { seatScripts } from "./lua/seats.scripts.js";
import { seatHoldKey, seatStatusKey } from "./seat-keys.js";
import type { RedisSeatView } from "./seat-drift.js";
import type { SeatDriftProbe } from "./seat-drift.probe.js";

/** Keys per MGET / script call: every key of a schedule shares one slot, but a huge reply would stall Redis. */
const CHUNK = 1000;

export class RedisSeatDriftProbe implements SeatDriftProbe {
  private readonly drop: LuaScript;
  constructor(private readonly redis: Redis) {
    this.drop = seatScripts(redis).seatsDropStaleHolds;
  }

  async view(scheduleId: number, seatNumbers: number[]): Promise<RedisSeatView> {
    const raw = await this.redis.hgetall(seatStatusKey(scheduleId));
    const entries = Object.entries(raw);
    const statuses = entries.length === 0 ? undefined : new Map(entries.map(([k, v]) => [Number(k), v]));
    const holders = new Map<number, string>();
    for (let i = 0; i < seatNumbers.length; i += CHUNK) {
      const chunk = seatNumbers.slice(i, i + CHUNK);
      const values = await this.redis.mget(chunk.map((n) => seatHoldKey(scheduleId, n)));
      values.forEach((v, j) => {
        if (v !== null) holders.set(chunk[j], v);
      });
    }
    return { statuses, holders };
  }

  async dropHolds(scheduleId: number, holds: Array<{ seatNumber: number; holder: string }>): Promise<void> {
    for (let i = 0; i < holds.length; i += CHUNK) {
      const chunk = holds.slice(i, i + CHUNK);
      await this.drop(chunk.map((h) => seatHoldKey(scheduleId, h.seatNumber)), chunk.map((h) => h.holder));
    }
  }
}
