import { DomainError } from "../shared/domain-error.js";
import type { Reservation } from "./reservation.js";

export const scheduleNotFound = (id: number) =>
  new DomainError("SCHEDULE_NOT_FOUND", `schedule ${id} does not exist; list dates with ListSchedules`);

export const seatsNotFound = (scheduleId: number, numbers: number[]) =>
  new DomainError("SEAT_NOT_FOUND", `schedule ${scheduleId} has no seat ${numbers.join(", ")}; list seats with ListSeats`);

export const seatsTaken = (numbers: number[]) =>
  new DomainError(
    "SEAT_TAKEN",
    numbers.length > 0
      ? `seat ${numbers.join(", ")} is already held or sold; pick other seats from ListSeats with only_available`
      : "one of these seats was just taken; pick other seats from ListSeats with only_available",
  );

export const reservationNotFound = (id: number) =>
  new DomainError("RESERVATION_NOT_FOUND", `reservation ${id} does not exist; list yours with ListMyReservations`);

export const notOwner = (id: number) =>
  new DomainError("NOT_OWNER", `reservation ${id} belongs to another user; list yours with ListMyReservations`);

export const holdExpired = (r: Reservation) =>
  new DomainError("HOLD_EXPIRED", `the hold of reservation ${r.id} expired at ${r.heldUntil.toISOString()}; hold the seats again with HoldSeats`);

export const notHeld = (r: Reservation) =>
  new DomainError(
    "RESERVATION_NOT_HELD",
    `reservation ${r.id} is ${r.status}, not HELD; only a HELD reservation can be paid or cancelled (see GetReservation)`,
  );

/**
 * What Pay and CancelReservation both demand of a locked reservation: the caller's own, still HELD,
 * and not past held_until (even if the sweeper has not run yet).
 */
export function assertLiveHoldOf(r: Reservation, userId: number, now: Date): void {
  if (r.userId !== userId) throw notOwner(r.id);
  if (r.status === "EXPIRED" || (r.status === "HELD" && r.heldUntil <= now)) throw holdExpired(r);
  if (r.status !== "HELD") throw notHeld(r);
}

export const latePaymentRefused = (r: Reservation, graceSeconds: number) =>
  new DomainError(
    "LATE_PAYMENT_REFUSED",
    `the hold of reservation ${r.id} expired at ${r.heldUntil.toISOString()} and seat ${r.seatNumbers.join(", ")} is no longer free ` +
      `(a late payment within ${graceSeconds} s needs every seat still AVAILABLE); nothing was charged; hold other seats with HoldSeats`,
  );

export const seatsStillAvailable = (scheduleId: number, free: number) =>
  new DomainError(
    "SEATS_STILL_AVAILABLE",
    `schedule ${scheduleId} still has ${free} AVAILABLE seat(s); the waiting list is for sold-out dates: join the queue and hold seats with HoldSeats`,
  );

export const waitingListEntryNotFound = (scheduleId: number) =>
  new DomainError(
    "WAITING_LIST_ENTRY_NOT_FOUND",
    `you are not on the waiting list of schedule ${scheduleId}; join it with JoinWaitingList`,
  );

export const offerOpen = (scheduleId: number, reservationId: number | undefined) =>
  new DomainError(
    "WAITING_LIST_OFFER_OPEN",
    `your waiting-list place on schedule ${scheduleId} already has an offer (reservation ${reservationId}); ` +
      "pay it with Pay or decline it with CancelReservation (no queue token needed)",
  );
