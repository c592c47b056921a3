import { Code } from "@connectrpc/connect";
import type { DomainErrorCode } from "../shared/domain-error.js";

/** The one table from domain error codes to Connect/gRPC codes (SPEC section 3, Errors). */
export const connectCodeOf: Record<DomainErrorCode, Code> = {
  VALIDATION_FAILED: Code.InvalidArgument,
  IDEMPOTENCY_KEY_REUSED: Code.InvalidArgument,
  UNAUTHENTICATED: Code.Unauthenticated,
  QUEUE_TOKEN_INVALID: Code.Unauthenticated,
  NOT_ADMIN: Code.PermissionDenied,
  QUEUE_TOKEN_FOREIGN: Code.PermissionDenied,
  QUEUE_TOKEN_NOT_ACTIVE: Code.PermissionDenied,
  NOT_OWNER: Code.PermissionDenied,
  CONCERT_NOT_FOUND: Code.NotFound,
  SCHEDULE_NOT_FOUND: Code.NotFound,
  SEAT_NOT_FOUND: Code.NotFound,
  RESERVATION_NOT_FOUND: Code.NotFound,
  QUEUE_ENTRY_NOT_FOUND: Code.NotFound,
  DEAD_EVENT_NOT_FOUND: Code.NotFound,
  SEAT_TAKEN: Code.AlreadyExists,
  HOLD_EXPIRED: Code.FailedPrecondition,
  RESERVATION_NOT_HELD: Code.FailedPrecondition,
  INSUFFICIENT_BALANCE: Code.FailedPrecondition,
  RATE_LIMITED: Code.ResourceExhausted,
  SALES_ALREADY_OPEN: Code.FailedPrecondition,
  NO_DRAW: Code.FailedPrecondition,
  SEATS_STILL_AVAILABLE: Code.FailedPrecondition,
  WAITING_LIST_ENTRY_NOT_FOUND: Code.NotFound,
  WAITING_LIST_OFFER_OPEN: Code.FailedPrecondition,
  LATE_PAYMENT_REFUSED: Code.FailedPrecondition,
};
