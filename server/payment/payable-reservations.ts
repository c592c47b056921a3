import type { Transaction } from "sequelize";
import type { Reservation } from "../reservation/reservation.js";

/**
 * A live hold locked for payment. `payerBalance` is the payer's balance read with its row locked in
 * the same statement (one round trip instead of three), when the adapter can; Pay then needs no re-read.
 */
export interface LockedHold {
  reservation: Reservation;
  payerBalance?: number;
}

/** Port: what Pay needs of reservations; the reservation module implements it (reservation/reservations-for-payment.ts). */
export interface PayableReservations {
  /**
   * Reads and row-locks the reservation in `tx` (ordering Pay against Cancel, the sweeper and other
   * Pays) and checks it is the user's live hold; throws the SPEC error otherwise.
   */
  lockLiveHold(tx: Transaction, reservationId: number, userId: number, now: Date): Promise<LockedHold>;
  /** HELD -> CONFIRMED, its seats SOLD, and ReservationConfirmed in the outbox, all in `tx`. */
  confirm(tx: Transaction, r: Reservation, payment: { id: number; paidAt: Date }): Promise<Reservation>;
}
