import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ReservationCancelledSchema, ReservationConfirmedSchema, ReservationExpiredSchema, SeatsHeldSchema, SeatsOfferedSchema,
} from "../../gen/concert/v1/events_pb.js";
import { outboxEvent, type OutboxEvent } from "../outbox/outbox-event.js";
import type { Reservation } from "./reservation.js";

const common = (r: Reservation, now: Date) => ({
  reservationId: BigInt(r.id),
  userId: BigInt(r.userId),
  concertId: BigInt(r.concertId),
  scheduleId: BigInt(r.scheduleId),
  seatNumbers: r.seatNumbers,
  totalPrice: BigInt(r.totalPrice),
  occurredAt: timestampFromDate(now),
});

/** reservation-events, keyed by reservation id (SPEC section 4). */
export const seatsHeld = (r: Reservation, now: Date): OutboxEvent =>
  outboxEvent("reservation-events", r.id, SeatsHeldSchema, { ...common(r, now), heldUntil: timestampFromDate(r.heldUntil) });

export const reservationCancelled = (r: Reservation, now: Date): OutboxEvent =>
  outboxEvent("reservation-events", r.id, ReservationCancelledSchema, common(r, now));

export const reservationExpired = (r: Reservation, now: Date): OutboxEvent =>
  outboxEvent("reservation-events", r.id, ReservationExpiredSchema, common(r, now));

/** A waiting-list offer: a HELD reservation the server made for the entrant (SPEC 7.3). */
export const seatsOffered = (r: Reservation, now: Date): OutboxEvent =>
  outboxEvent("reservation-events", r.id, SeatsOfferedSchema, {
    ...common(r, now),
    heldUntil: timestampFromDate(r.heldUntil),
    waitingListEntryId: BigInt(r.waitingListEntryId ?? 0),
  });

/** Written by Pay, in the payment's transaction; a payment after held_until (within the grace period) is a late one. */
export const reservationConfirmed = (r: Reservation, p: { id: number; paidAt: Date }): OutboxEvent =>
  outboxEvent("reservation-events", r.id, ReservationConfirmedSchema, {
    ...common(r, p.paidAt),
    paymentId: BigInt(p.id),
    latePayment: p.paidAt.getTime() > r.heldUntil.getTime(),
  });
