import type { Logger } from "../shared/logger.js";
import { afterCommit } from "../shared/after-commit.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { ActiveSessions } from "../queue/active-sessions.js";
import type { Reservation } from "../reservation/reservation.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { TransactionRunner } from "../db/transaction-runner.js";
import type { BalanceRepository } from "./balance.repository.js";
import type { IdempotencyStore } from "./idempotency.store.js";
import type { Payment } from "./payment.js";
import type { PaymentRepository } from "./payment.repository.js";
import type { PayableReservations } from "./payable-reservations.js";
import { alreadyPaid, insufficientBalance } from "./payment.errors.js";
import { paymentCompleted } from "./payment-events.js";
import { requestHash } from "./request-hash.js";

export interface PayResult {
  payment: Payment;
  reservation: Reservation;
}

export interface PayDeps {
  tx: TransactionRunner;
  reservations: PayableReservations;
  balances: BalanceRepository;
  payments: PaymentRepository;
  idempotency: IdempotencyStore;
  outbox: OutboxWriter;
  gate: SeatHoldGate;
  sessions: ActiveSessions;
  logger?: Logger;
  clock?: () => Date;
}

const encode = (r: PayResult) => JSON.stringify(r);
const decode = (s: string): PayResult => {
  const r = JSON.parse(s) as PayResult;
  return {
    payment: { ...r.payment, paidAt: new Date(r.payment.paidAt) },
    reservation: { ...r.reservation, heldUntil: new Date(r.reservation.heldUntil), createdAt: new Date(r.reservation.createdAt) },
  };
};

/**
 * Pays a HELD reservation from the balance, all or nothing in one transaction: the reservation row
 * is locked (ordering us against Cancel, the sweeper and other Pays), the balance is taken by one
 * conditional statement, the payment row is unique per reservation, and the events and the
 * idempotency response commit with it. Then the seats turn SOLD in Redis and the queue token ends.
 */
export class Pay {
  constructor(private readonly d: PayDeps) {}

  async execute(input: { userId: number; reservationId: number; idempotencyKey: string }): Promise<PayResult> {
    const hash = requestHash("Pay", { reservationId: input.reservationId });
    const outcome = await this.d.tx.run(async (tx) => {
      const replay = await this.d.idempotency.claim(tx, input.userId, input.idempotencyKey, hash);
      if (replay !== undefined) return { replayed: true, result: decode(replay) };
      const now = (this.d.clock ?? (() => new Date()))();
      const { reservation: r, payerBalance } = await this.d.reservations.lockLiveHold(tx, input.reservationId, input.userId, now);
      const { taken, balance } = await this.d.balances.deduct(tx, input.userId, r.totalPrice, payerBalance);
      if (!taken) throw insufficientBalance(balance, r.totalPrice);
      const payment = await this.d.payments.insert(tx, { reservationId: r.id, userId: r.userId, amount: r.totalPrice, paidAt: now });
      // Only reachable if the lock were bypassed: the unique key still refuses a second payment.
      if (!payment) throw alreadyPaid(r.id);
      const confirmed = await this.d.reservations.confirm(tx, r, payment);
      await this.d.balances.record(tx, { userId: r.userId, delta: -r.totalPrice, reason: "PAYMENT", paymentId: payment.id });
      await this.d.outbox.append(tx, [paymentCompleted(payment, confirmed, balance)]);
      const result = { payment, reservation: confirmed };
      await this.d.idempotency.complete(tx, input.userId, input.idempotencyKey, encode(result));
      return { replayed: false, result };
    });
    if (!outcome.replayed) await this.afterCommit(outcome.result.reservation);
    return outcome.result;
  }

  /** The sale is committed; Redis and the queue follow. Failures here must not turn a paid order into an error. */
  private async afterCommit(r: Reservation): Promise<void> {
    // Independent of each other, so both go out at once (one wait instead of two in a row).
    await Promise.all([
      afterCommit(this.d.logger, "seats sold in the database, Redis not updated", { reservationId: r.id }, () =>
        this.d.gate.release(r.scheduleId, r.seatNumbers, r.userId, "SOLD"),
      ),
      afterCommit(this.d.logger, "paid, but the queue token could not be ended", { reservationId: r.id }, () =>
        this.d.sessions.end(r.concertId, r.userId, "paid"),
      ),
    ]);
  }
}
