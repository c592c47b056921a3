import { DomainError } from "../shared/domain-error.js";

export const insufficientBalance = (balance: number, needed: number) =>
  new DomainError(
    "INSUFFICIENT_BALANCE",
    `your balance is ${balance} KRW but this costs ${needed} KRW; add at least ${needed - balance} KRW with ChargeBalance, then retry Pay`,
  );

/** A second payment of one reservation (the unique key refused it): the reservation is already CONFIRMED. */
export const alreadyPaid = (reservationId: number) =>
  new DomainError(
    "RESERVATION_NOT_HELD",
    `reservation ${reservationId} is CONFIRMED, not HELD; only a HELD reservation can be paid or cancelled (see GetReservation)`,
  );

export const idempotencyKeyReused = (key: string) =>
  new DomainError(
    "IDEMPOTENCY_KEY_REUSED",
    `invalid request: idempotency_key: "${key}" was already used for a different request; use a new key for a new request`,
  );
