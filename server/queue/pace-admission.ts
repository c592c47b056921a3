import type { Logger } from "../shared/logger.js";
import { finishedAdmissions, isSoldOut, slotsFor } from "./admission-slots.js";
import { queueSoldOut, type QueueEventSink } from "./queue-events.js";
import type { QueueStats, QueueStore } from "./queue.store.js";
import type { Inventory, SeatInventory } from "./seat-inventory.js";

export interface Pace {
  inventory: Inventory;
  stats: QueueStats;
  auto: boolean;
  /** The inventory's cap now in force (undefined: none). */
  slots: number | undefined;
}

/**
 * Paces a concert's admission by its seats (SPEC 7.3), before each admission step of the ticker:
 * ends the line when every seat is sold (waiters turn SOLD_OUT, event QueueSoldOut), lifts that when
 * seats are free again, and sets the cap on ACTIVE fans (0 while every seat is held or sold; AUTO:
 * free seats ÷ seats bought per admitted fan). Redis only: the inventory port reads the seat tallies.
 */
export class PaceAdmission {
  constructor(
    private readonly store: QueueStore,
    private readonly inventory: SeatInventory,
    private readonly events: QueueEventSink,
    private readonly logger: Logger,
  ) {}

  async execute(concertId: number): Promise<Pace> {
    const [inventory, stats, auto] = await Promise.all([this.inventory.ofConcert(concertId), this.store.stats(concertId), this.store.isAuto(concertId)]);
    if (isSoldOut(inventory)) {
      const waiting = await this.store.markSoldOut(concertId);
      if (waiting !== undefined) {
        this.logger.info({ concertId, waiting }, "sold out: the line has ended");
        this.events.publish([queueSoldOut(concertId, waiting)]);
      }
      return { inventory, stats: { ...stats, soldOut: true }, auto, slots: 0 };
    }
    if (stats.soldOut && (await this.store.reopen(concertId))) this.logger.info({ concertId }, "seats are free again: the line reopens");
    const slots = slotsFor(inventory, auto, finishedAdmissions(stats.admittedTotal, stats.active), stats.maxActive);
    if (slots !== stats.slots) await this.store.setSlots(concertId, slots);
    return { inventory, stats: { ...stats, soldOut: false, slots }, auto, slots };
  }
}
