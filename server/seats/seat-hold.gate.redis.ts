import type { Redis } from "ioredis";
import type { LuaScript } from "../redis/lua-script.js";
import { seatScripts } from "./lua/seats.scripts.js";
import { seatHoldKey, seatStatusKey } from "./seat-keys.js";
import type { SeatStatusStore } from "./seat-status.store.js";
import { HoldGateOutcome, type SeatState } from "./seat.js";
import type { SeatHoldGate } from "./seat-hold.gate.js";
import type { SeatStateSource } from "./seat-state.source.js";

export class RedisSeatHoldGate implements SeatHoldGate {
  private readonly hold: LuaScript;
  private readonly releaseScript: LuaScript;
  private readonly repairScript: LuaScript;

  constructor(
    private readonly redis: Redis,
    private readonly statuses: SeatStatusStore,
    private readonly source: SeatStateSource,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const scripts = seatScripts(redis);
    this.hold = scripts.seatsHold;
    this.releaseScript = scripts.seatsRelease;
    this.repairScript = scripts.seatsRepair;
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

  seatStates(scheduleId: number, seatNumbers: number[]): Promise<SeatState[]> {
    return this.source.seatStates(scheduleId, seatNumbers);
  }

  async reconcile(scheduleId: number, states: SeatState[] = []): Promise<void> {
    const now = this.clock();
    let todo = states;
    if (!(await this.statuses.has(scheduleId))) {
      // Redis lost this schedule (flushed or evicted) or never had it: rebuild the hash and every live hold key.
      const all = await this.source.seatStates(scheduleId);
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
