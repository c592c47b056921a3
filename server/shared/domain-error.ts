/**
 * Stable error codes of the domain. They never mention transport: server/rpc/error-codes.ts maps
 * each one to a Connect/gRPC code (SPEC section 3, Errors).
 */
export type DomainErrorCode =
  | "VALIDATION_FAILED"
  | "IDEMPOTENCY_KEY_REUSED"
  | "UNAUTHENTICATED"
  | "QUEUE_TOKEN_INVALID"
  | "NOT_ADMIN"
  | "QUEUE_TOKEN_FOREIGN"
  | "QUEUE_TOKEN_NOT_ACTIVE"
  | "NOT_OWNER"
  | "CONCERT_NOT_FOUND"
  | "SCHEDULE_NOT_FOUND"
  | "SEAT_NOT_FOUND"
  | "RESERVATION_NOT_FOUND"
  | "QUEUE_ENTRY_NOT_FOUND"
  | "DEAD_EVENT_NOT_FOUND"
  | "SEAT_TAKEN"
  | "HOLD_EXPIRED"
  | "RESERVATION_NOT_HELD"
  | "INSUFFICIENT_BALANCE"
  | "RATE_LIMITED"
  | "SALES_ALREADY_OPEN"
  | "NO_DRAW"
  | "SEATS_STILL_AVAILABLE"
  | "WAITING_LIST_ENTRY_NOT_FOUND"
  | "WAITING_LIST_OFFER_OPEN"
  | "LATE_PAYMENT_REFUSED";

/** An expected failure with a message meant for the caller: it says what to do next. */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(code: DomainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DomainError";
    this.code = code;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
