import type { Redis } from "ioredis";
import type { SeatStatus } from "./seat.js";
import type { LuaScript } from "../redis/lua-script.js";
import { seatScripts } from "./lua/seats.scripts.js";
import { seatHoldKeyBase, seatStatusKey } from "./seat-keys.js";
import type { SeatStatusStore } from "./seat-status.store.js";

const STATUSES = new Set<string>(["AVAILABLE", "HELD", "SOLD"]);

export class RedisSeatStatusStore implements SeatStatusStore {
  private readonly load: LuaScript;
  constructor(private readonly redis: Redis) {
    this.load = seatScripts(redis).seatsLoadStatus;
  }

  async read(scheduleId: number): Promise<Map<number, SeatStatus> | undefined> {
    const raw = await this.redis.hgetall(seatStatusKey(scheduleId));
    const entries = Object.entries(raw);
    if (entries.length === 0) return undefined;
    const out = new Map<number, SeatStatus>();
    for (const [k, v] of entries) if (STATUSES.has(v)) out.set(Number(k), v as SeatStatus);
    return out;
  }

  async has(scheduleId: number): Promise<boolean> {
    return (await this.redis.exists(seatStatusKey(scheduleId))) === 1;
  }

  async loadIfAbsent(scheduleId: number, statuses: Array<{ number: number; status: SeatStatus }>): Promise<boolean> {
    if (statuses.length === 0) return false;
    const args = statuses.flatMap((s) => [s.number, s.status]);
    return (await this.load([seatStatusKey(scheduleId), seatHoldKeyBase(scheduleId)], args)) === 1;
  }
}
