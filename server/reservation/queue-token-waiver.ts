import type { Reservation } from "./reservation.js";
import { isLatePayment } from "./reservations-for-payment.js";

/**
 * Which requests about a reservation need no queue token (README, Waiting list and Late payment):
 * - a waiting-list offer, for Pay and CancelReservation: the server made the hold for a fan who may
 *   never have been admitted (SPEC 7.3);
 * - a late Pay (held_until passed, within LATE_PAY_GRACE_SECONDS), and a retry of one that succeeded:
 *   the fan was admitted when they held these very seats, and by now their token may have ended (its
 *   ACTIVE TTL, or a Pay of another reservation), so a late payment would otherwise be refused for a
 *   reason that has nothing to do with the seats.
 * Only the owner is waived; anyone else gets the token check's answer.
 */
export function needsNoQueueToken(
  rpc: "Pay" | "CancelReservation",
  facts: { reservation: Reservation; paidAt?: Date },
  userId: number,
  now: Date,
  latePayGraceSeconds: number,
): boolean {
  const r = facts.reservation;
  if (r.userId !== userId) return false;
  if (r.waitingListEntryId) return true;
  if (rpc !== "Pay") return false;
  if (isLatePayment(r, now, latePayGraceSeconds)) return true;
  return r.status === "CONFIRMED" && facts.paidAt !== undefined && facts.paidAt > r.heldUntil;
}
