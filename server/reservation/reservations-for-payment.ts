import type { Transaction } from "sequelize";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { LockedHold, PayableReservations } from "../payment/payable-reservations.js";
import type { Reservation } from "./reservation.js";
import { assertLiveHoldOf, reservationNotFound } from "./reservation.errors.js";
import { reservationConfirmed } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";

/** The reservation side of Pay, behind payment's port: payment never reaches into reservation's tables or errors. */
export class ReservationsForPayment implements PayableReservations {
  constructor(private readonly reservations: ReservationRepository, private readonly outbox: OutboxWriter) {}

  async lockLiveHold(tx: Transaction, reservationId: number, userId: number, now: Date): Promise<LockedHold> {
    // The reservation, its seats and the payer's balance, row-locked in one statement.
    const locked = reservationId > 0 ? await this.reservations.lockForPayment(tx, reservationId, userId) : undefined;
    if (!locked) throw reservationNotFound(reservationId);
    assertLiveHoldOf(locked.reservation, userId, now);
    return { reservation: locked.reservation, payerBalance: locked.balance };
  }

  async confirm(tx: Transaction, r: Reservation, payment: { id: number; paidAt: Date }): Promise<Reservation> {
    await this.reservations.confirm(tx, r, payment.paidAt);
    const confirmed: Reservation = { ...r, status: "CONFIRMED" };
    await this.outbox.append(tx, [reservationConfirmed(confirmed, payment)]);
    return confirmed;
  }
}
