import type { Transaction } from "sequelize";
import type { Reservation } from "./reservation.js";

/** What a hold needs to know about a schedule: its concert and the price of each seat number. */
export interface ScheduleSeats {
  concertId: number;
  prices: Map<number, number>;
}

export interface NewHold {
  userId: number;
  concertId: number;
  scheduleId: number;
  seatNumbers: number[];
  totalPrice: number;
  heldUntil: Date;
  now: Date;
  /** A waiting-list offer: the entry it answers. */
  waitingListEntryId?: number;
}

/** Port: reservations and the seats they hold, in the database (the final word on who holds what). */
export interface ReservationRepository {
  scheduleSeats(scheduleId: number): Promise<ScheduleSeats | undefined>;
  /**
   * Inserts a HELD reservation and takes its seats, only if every seat is AVAILABLE; otherwise
   * throws SEAT_TAKEN (the caller's transaction then rolls back, so nothing is half-held).
   */
  insertHold(tx: Transaction, hold: NewHold): Promise<Reservation>;
  find(id: number): Promise<Reservation | undefined>;
  /** The reservation (without its seats) and when it was paid, if it was: what the queue-token waiver decides on. */
  findWithPaidAt(id: number): Promise<{ reservation: Reservation; paidAt?: Date } | undefined>;
  /** Reads and row-locks a reservation until the transaction ends. */
  lock(tx: Transaction, id: number): Promise<Reservation | undefined>;
  /**
   * Pay's lock: the reservation (with its seats) and the payer's balance row, both row-locked until
   * the transaction ends, in one statement. A missing balance reads 0.
   */
  lockForPayment(tx: Transaction, id: number, payerId: number): Promise<{ reservation: Reservation; balance: number } | undefined>;
  listByUser(userId: number, limit: number, beforeId?: number): Promise<Reservation[]>;
  /**
   * Releasing a hold, step 1: HELD -> CANCELLED or EXPIRED (the reservation row only). Done before the
   * waiting-list locks (OfferFreedSeats.prepare), so a transaction never holds the list's head while it
   * waits for a reservation-index lock that a sweeper's claim holds (the sweeper then waits for the head).
   */
  markReleased(tx: Transaction, r: Reservation, status: "CANCELLED" | "EXPIRED", now: Date): Promise<void>;
  /** Releasing a hold, step 2: seats back to AVAILABLE, the live-seat rows retired (an offer's entry DECLINED or OFFER_EXPIRED). */
  freeSeats(tx: Transaction, r: Reservation, status: "CANCELLED" | "EXPIRED", now: Date): Promise<void>;
  /**
   * Late payment: an EXPIRED reservation takes its own seats again (HELD) iff every one is still
   * AVAILABLE; returns false (and changes nothing) otherwise. A reservation still HELD needs no re-take.
   */
  retake(tx: Transaction, r: Reservation, now: Date): Promise<boolean>;
  /** HELD -> CONFIRMED: seats SOLD (and a waiting-list offer's entry PURCHASED). */
  confirm(tx: Transaction, r: Reservation, now: Date): Promise<void>;
  /** Locks up to `limit` HELD reservations past held_until, skipping rows another process has locked. */
  lockDueHolds(tx: Transaction, now: Date, limit: number): Promise<Reservation[]>;
}
