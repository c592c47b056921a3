import type { Transaction } from "sequelize";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { PayableReservations } from "../payment/payable-reservations.js";
import type { Reservation } from "./reservation.js";
import { assertLiveHoldOf, reservationNotFound } from "./reservation.errors.js";
import { reservationConfirmed } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";

/** The reservation side of Pay, behind payment's port: payment never reaches into reservation's tables or errors. */
export class ReservationsForPayment implements PayableReservations {
  constructor(private readonly reservations: ReservationRepository, private readonly outbox: OutboxWriter) {}

  async lockLiveHold(tx: Transaction, reservationId: number, userId: number, now: Date): Promise<Reservation> {
    const r = reservationId > 0 ? await this.reservations.lock(tx, reservationId) : undefined;
    if (!r) throw reservationNotFound(reservationId);
    assertLiveHoldOf(r, userId, now);
    return r;
  }

  async confirm(tx: Transaction, r: Reservation, payment: { id: number; paidAt: Date }): Promise<Reservation> {
    await this.reservations.confirm(tx, r, payment.paidAt);
    const confirmed: Reservation = { ...r, status: "CONFIRMED" };
    await this.outbox.append(tx, [reservationConfirmed(confirmed, payment)]);
    return confirmed;
  }
}
