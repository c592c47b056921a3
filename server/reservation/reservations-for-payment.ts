import type { Transaction } from "sequelize";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { LockedHold, PayableReservations } from "../payment/payable-reservations.js";
import type { Reservation } from "./reservation.js";
import { assertLiveHoldOf, latePaymentRefused, notOwner, reservationNotFound } from "./reservation.errors.js";
import { reservationConfirmed, seatsHeld } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";

/** A Pay at `now` of a hold whose held_until has passed, still within the grace period (SPEC 7.3). */
export function isLatePayment(r: Reservation, now: Date, graceSeconds: number): boolean {
  const lapsed = r.status === "EXPIRED" || (r.status === "HELD" && r.heldUntil <= now);
  return lapsed && now.getTime() < r.heldUntil.getTime() + graceSeconds * 1000;
}

/** The reservation side of Pay, behind payment's port: payment never reaches into reservation's tables or errors. */
export class ReservationsForPayment implements PayableReservations {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly outbox: OutboxWriter,
    /** LATE_PAY_GRACE_SECONDS; 0 turns late payment off. */
    private readonly latePayGraceSeconds = 0,
  ) {}

  async lockLiveHold(tx: Transaction, reservationId: number, userId: number, now: Date): Promise<LockedHold> {
    // The reservation, its seats and the payer's balance, row-locked in one statement.
    const locked = reservationId > 0 ? await this.reservations.lockForPayment(tx, reservationId, userId) : undefined;
    if (!locked) throw reservationNotFound(reservationId);
    const r = locked.reservation;
    if (isLatePayment(r, now, this.latePayGraceSeconds)) {
      if (r.userId !== userId) throw notOwner(r.id);
      // Re-held in Pay's own transaction: if the payment fails afterwards (balance) the re-take rolls back too.
      if (!(await this.reservations.retake(tx, r, now))) throw latePaymentRefused(r, this.latePayGraceSeconds);
      const held: Reservation = { ...r, status: "HELD" };
      // The sweeper had released the seats (ReservationExpired went out): say they are held again.
      if (r.status === "EXPIRED") await this.outbox.append(tx, [seatsHeld(held, now)]);
      return { reservation: held, payerBalance: locked.balance };
    }
    assertLiveHoldOf(r, userId, now);
    return { reservation: r, payerBalance: locked.balance };
  }

  async confirm(tx: Transaction, r: Reservation, payment: { id: number; paidAt: Date }): Promise<Reservation> {
    await this.reservations.confirm(tx, r, payment.paidAt);
    const confirmed: Reservation = { ...r, status: "CONFIRMED" };
    await this.outbox.append(tx, [reservationConfirmed(confirmed, payment)]);
    return confirmed;
  }
}
