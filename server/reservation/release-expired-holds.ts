import type { Logger } from "../shared/logger.js";
import { afterCommit } from "../shared/after-commit.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { Reservation } from "./reservation.js";
import { reservationExpired } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { TransactionRunner } from "../db/transaction-runner.js";
import type { OfferFreedSeats } from "./offer-freed-seats.js";

/**
 * Releases holds past held_until: reservation EXPIRED, seats AVAILABLE (or offered to the schedule's
 * waiting list, OfferFreedSeats), a ReservationExpired event.
 * Rows are claimed with SKIP LOCKED, so several server processes can sweep side by side without
 * releasing a hold twice or waiting on each other; a restarted process simply catches up.
 */
export class ReleaseExpiredHolds {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly reservations: ReservationRepository,
    private readonly gate: SeatHoldGate,
    private readonly outbox: OutboxWriter,
    private readonly offers: OfferFreedSeats,
    private readonly logger?: Logger,
    private readonly batchSize = 100,
  ) {}

  /** Releases every hold due at `now`, batch by batch; returns how many it released. */
  async execute(now: Date = new Date(), maxBatches = 50): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const { due: released, offered } = await this.tx.run(async (tx) => {
        const due = await this.reservations.lockDueHolds(tx, now, this.batchSize);
        for (const r of due) await this.reservations.markReleased(tx, r, "EXPIRED", now);
        // Before any seat changes: the locks that order us against joins and other offering transactions.
        const waitedFor = due.length > 0 ? await this.offers.prepare(tx, due.map((r) => r.scheduleId)) : [];
        for (const r of due) await this.reservations.freeSeats(tx, r, "EXPIRED", now);
        if (due.length > 0) await this.outbox.append(tx, due.map((r) => reservationExpired(r, now)));
        // Freed seats (an expired offer's too) pass on to the waiting list in this same transaction.
        return { due, offered: await this.offers.offer(tx, waitedFor, now) };
      });
      await this.updateRedis(released);
      await this.offers.publish(offered);
      total += released.length;
      if (released.length < this.batchSize) break;
    }
    return total;
  }

  private async updateRedis(released: Reservation[]): Promise<void> {
    for (const r of released) {
      await afterCommit(this.logger, "hold expired in the database, Redis not updated", { reservationId: r.id }, () =>
        this.gate.release(r.scheduleId, r.seatNumbers, r.userId, "AVAILABLE"),
      );
    }
  }
}
