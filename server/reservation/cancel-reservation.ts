import type { Logger } from "../shared/logger.js";
import { afterCommit } from "../shared/after-commit.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { Reservation } from "./reservation.js";
import { assertLiveHoldOf, reservationNotFound } from "./reservation.errors.js";
import { reservationCancelled } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { TransactionRunner } from "../db/transaction-runner.js";
import type { OfferFreedSeats } from "./offer-freed-seats.js";

/** The owner releases a HELD reservation; its seats are AVAILABLE again at once, or offered to the waiting list. */
export class CancelReservation {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly reservations: ReservationRepository,
    private readonly gate: SeatHoldGate,
    private readonly outbox: OutboxWriter,
    private readonly offers: OfferFreedSeats,
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
      await this.reservations.markReleased(tx, r, "CANCELLED", now);
      // Before any seat changes: the locks that order us against joins and other offering transactions.
      const waitedFor = await this.offers.prepare(tx, [r.scheduleId]);
      await this.reservations.freeSeats(tx, r, "CANCELLED", now);
      await this.outbox.append(tx, [reservationCancelled(r, now)]);
      // The freed seats go to the waiting list, if anyone waits, in this same transaction.
      const offered = await this.offers.offer(tx, waitedFor, now);
      return { reservation: { ...r, status: "CANCELLED" as const }, offered };
    });
    const { reservation, offered } = cancelled;
    await afterCommit(this.logger, "seats released in the database, Redis not updated", { reservationId: reservation.id }, () =>
      this.gate.release(reservation.scheduleId, reservation.seatNumbers, reservation.userId, "AVAILABLE"),
    );
    await this.offers.publish(offered);
    return reservation;
  }
}
