import type { Redis } from "ioredis";
import type { LuaScript } from "../redis/lua-script.js";
import type { Inventory, SeatInventory } from "../queue/seat-inventory.js";
import { seatScripts } from "./lua/seats.scripts.js";
import { seatStatusKey } from "./seat-keys.js";
import type { SeatReconciler } from "./seat-hold.gate.js";
import { isCluster } from "../redis/redis-client.js";

/** How long a concert's list of dates is trusted (AddSchedule also clears it in this process). */
const DATES_TTL_MS = 30_000;

/**
 * The queue's inventory port: per date the tally beside the seat-status hash (seat-counts.lua), summed
 * over the concert's dates in one pipeline. The list of dates comes from MySQL once per concert and
 * process (then every 30 s); a date without a Redis copy is reloaded from MySQL through the one
 * reconcile path and read again.
 */
export class RedisSeatInventory implements SeatInventory {
  private readonly counts: LuaScript;
  private readonly dates = new Map<number, { ids: number[]; atMs: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly scheduleIdsOf: (concertId: number) => Promise<number[]>,
    private readonly reconciler: SeatReconciler,
  ) {
    this.counts = seatScripts(redis).seatsCounts;
  }

  forget(concertId: number): void {
    this.dates.delete(concertId);
  }

  private async datesOf(concertId: number): Promise<number[]> {
    const hit = this.dates.get(concertId);
    if (hit && Date.now() - hit.atMs < DATES_TTL_MS) return hit.ids;
    const ids = await this.scheduleIdsOf(concertId);
    if (this.dates.size > 10_000) this.dates.clear();
    this.dates.set(concertId, { ids, atMs: Date.now() });
    return ids;
  }

  private async read(ids: number[]): Promise<number[][]> {
    if (isCluster(this.redis)) return Promise.all(ids.map(async (id) => (await this.counts([seatStatusKey(id)], [])) as number[]));
    const p = this.redis.pipeline();
    for (const id of ids) this.counts.queue(p, [seatStatusKey(id)], []);
    return ((await p.exec()) ?? []).map(([err, r]) => {
      if (err) throw err;
      return r as number[];
    });
  }

  async ofConcert(concertId: number): Promise<Inventory> {
    const ids = await this.datesOf(concertId);
    let rows = await this.read(ids);
    const missing = ids.filter((_, i) => rows[i][0] < 0);
    if (missing.length > 0) {
      for (const id of missing) await this.reconciler.reconcile(id);
      rows = await this.read(ids);
    }
    const out: Inventory = { free: 0, held: 0, sold: 0 };
    for (const [free, held, sold] of rows) {
      if (free < 0) continue; // still missing (the schedule has no seats): nothing to count
      out.free += free;
      out.held += held;
      out.sold += sold;
    }
    return out;
  }
}
