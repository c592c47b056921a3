import type { Logger } from "../shared/logger.js";
import { afterCommit } from "../shared/after-commit.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { Reservation } from "./reservation.js";
import { assertLiveHoldOf, reservationNotFound } from "./reservation.errors.js";
import { reservationCancelled } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { TransactionRunner } from "../db/transaction-runner.js";

/** The owner releases a HELD reservation; its seats are AVAILABLE again at once. */
export class CancelReservation {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly reservations: ReservationRepository,
    private readonly gate: SeatHoldGate,
    private readonly outbox: OutboxWriter,
    private readonly logger?: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(input: { userId: number; reservationId: number }): Promise<Reservation> {
    const now = this.clock();
    const cancelled = await this.tx.run(async (tx) => {
      // The row lock orders us against a concurrent Pay or the expiry sweeper.
      const r = input.reservationId > 0 ? await this.reservations.lock(tx, input.reservationId) : undefined;
      if (!r) throw reservationNotFound(input.reservationId);
      assertLiveHoldOf(r, input.userId, now);
      await this.reservations.release(tx, r, "CANCELLED", now);
      await this.outbox.append(tx, [reservationCancelled(r, now)]);
      return { ...r, status: "CANCELLED" as const };
    });
    await afterCommit(this.logger, "seats released in the database, Redis not updated", { reservationId: cancelled.id }, () =>
      this.gate.release(cancelled.scheduleId, cancelled.seatNumbers, cancelled.userId, "AVAILABLE"),
    );
    return cancelled;
  }
}
