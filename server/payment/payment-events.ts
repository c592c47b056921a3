import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BalanceChargedSchema, PaymentCompletedSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent, type OutboxEvent } from "../outbox/outbox-event.js";
import type { Reservation } from "../reservation/reservation.js";
import type { Payment } from "./payment.js";

/** payment-events, keyed by user id (SPEC section 4). */
export const balanceCharged = (userId: number, amount: number, balance: number, now: Date): OutboxEvent =>
  outboxEvent("payment-events", userId, BalanceChargedSchema, {
    userId: BigInt(userId),
    amount: BigInt(amount),
    balance: BigInt(balance),
    occurredAt: timestampFromDate(now),
  });

export const paymentCompleted = (p: Payment, r: Reservation, balance: number): OutboxEvent =>
  outboxEvent("payment-events", p.userId, PaymentCompletedSchema, {
    paymentId: BigInt(p.id),
    reservationId: BigInt(p.reservationId),
    userId: BigInt(p.userId),
    amount: BigInt(p.amount),
    balance: BigInt(balance),
    concertId: BigInt(r.concertId),
    scheduleId: BigInt(r.scheduleId),
    occurredAt: timestampFromDate(p.paidAt),
  });
