import { concertNotFound } from "../concert/concert.errors.js";
import { finishedAdmissions, seatsPerFan, slotsFor } from "./admission-slots.js";
import type { ConcertLookup } from "./concert-lookup.js";
import type { QueueStats, QueueStore } from "./queue.store.js";
import type { Inventory, SeatInventory } from "./seat-inventory.js";

export interface QueueStatsView extends QueueStats {
  admissionRatePerSecond: number;
  auto: boolean;
  /** Slots in force: max_active, or the inventory's cap when lower. */
  effectiveMaxActive: number;
  inventory: Inventory;
  seatsPerAdmittedFan: number;
}

export class GetQueueStats {
  constructor(private readonly store: QueueStore, private readonly concerts: ConcertLookup, private readonly inventory: SeatInventory) {}

  async execute(concertId: number): Promise<QueueStatsView> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    const [s, inventory, auto] = await Promise.all([this.store.stats(concertId), this.inventory.ofConcert(concertId), this.store.isAuto(concertId)]);
    const finished = finishedAdmissions(s.admittedTotal, s.active);
    const cap = s.soldOut ? 0 : slotsFor(inventory, auto, finished, s.maxActive);
    return {
      ...s,
      admissionRatePerSecond: s.admissionsInWindow / (this.store.rateWindowMs / 1000),
      auto,
      effectiveMaxActive: cap === undefined ? s.maxActive : Math.min(cap, s.maxActive),
      inventory,
      seatsPerAdmittedFan: inventory.sold > 0 && finished > 0 ? seatsPerFan(inventory, finished) : 0,
    };
  }
}
