import type { Redis } from "ioredis";
import { defineLuaScript, type LuaScript } from "../redis/lua-script.js";
import { seatHoldKey, seatStatusKey } from "./seat-keys.js";
import type { SeatStatusStore } from "./seat-status.store.js";
import type { SeatState } from "../reservation/reservation.js";
import { HoldGateOutcome } from "./seat-hold.codes.js";
import type { SeatHoldGate } from "./seat-hold.gate.js";

export class RedisSeatHoldGate implements SeatHoldGate {
  private readonly hold: LuaScript;
  private readonly releaseScript: LuaScript;
  private readonly repairScript: LuaScript;

  constructor(private readonly redis: Redis, private readonly statuses: SeatStatusStore) {
    this.hold = defineLuaScript(redis, "bookingHoldSeats", new URL("./lua/hold-seats.lua", import.meta.url));
    this.releaseScript = defineLuaScript(redis, "bookingReleaseSeats", new URL("./lua/release-seats.lua", import.meta.url));
    this.repairScript = defineLuaScript(redis, "bookingRepairSeats", new URL("./lua/repair-seats.lua", import.meta.url));
  }

  private keys(scheduleId: number, seats: number[]): string[] {
    return [seatStatusKey(scheduleId), ...seats.map((n) => seatHoldKey(scheduleId, n))];
  }

  async tryHold(scheduleId: number, seats: number[], holderId: number, ttlMs: number): Promise<number[]> {
    const reply = (await this.hold(this.keys(scheduleId, seats), [holderId, ttlMs, ...seats])) as Array<number | string>;
    if (Number(reply[0]) === HoldGateOutcome.ALL_HELD) return [];
    return reply.slice(1).map(Number);
  }

  async release(scheduleId: number, seats: number[], holderId: number, status: "AVAILABLE" | "SOLD" | "keep"): Promise<void> {
    await this.releaseScript(this.keys(scheduleId, seats), [holderId, status === "keep" ? "" : status, ...seats]);
  }

  async repair(scheduleId: number, states: SeatState[], allSeats: () => Promise<SeatState[]>, now: Date): Promise<void> {
    let todo = states;
    if ((await this.redis.exists(seatStatusKey(scheduleId))) === 0) {
      // Redis lost this schedule (flushed or evicted): rebuild the hash and every live hold key.
      const all = await allSeats();
      await this.statuses.loadIfAbsent(scheduleId, all.map((s) => ({ number: s.number, status: s.status })));
      const asked = new Set(states.map((s) => s.number));
      todo = [...states, ...all.filter((s) => s.status === "HELD" && !asked.has(s.number))];
    }
    for (let i = 0; i < todo.length; i += 500) {
      const chunk = todo.slice(i, i + 500);
      const args = chunk.flatMap((s) => [
        s.number,
        s.status,
        s.holderId ?? "",
        s.status === "HELD" && s.heldUntil ? Math.max(0, s.heldUntil.getTime() - now.getTime()) : 0,
      ]);
      await this.repairScript(this.keys(scheduleId, chunk.map((s) => s.number)), args);
    }
  }
}
