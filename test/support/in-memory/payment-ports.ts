import type { Transaction } from "sequelize";
import type { TransactionRunner } from "../../../server/db/transaction-runner.js";
import type { OutboxEvent } from "../../../server/outbox/outbox-event.js";
import type { OutboxWriter } from "../../../server/outbox/outbox-writer.js";
import type { BalanceRepository } from "../../../server/payment/balance.repository.js";
import type { IdempotencyStore } from "../../../server/payment/idempotency.store.js";
import type { PayableReservations } from "../../../server/payment/payable-reservations.js";
import type { Payment } from "../../../server/payment/payment.js";
import type { PaymentRepository } from "../../../server/payment/payment.repository.js";
import { idempotencyKeyReused } from "../../../server/payment/payment.errors.js";
import type { Reservation } from "../../../server/reservation/reservation.js";
import { DomainError } from "../../../server/shared/domain-error.js";

/**
 * In-memory ports for the payment use cases (fast tier): one "transaction" at a time, whose writes are
 * kept only when it commits, so a refused Pay leaves nothing behind, as in MySQL.
 */
export function inMemoryPaymentPorts(reservations: Reservation[], balance: Record<number, number>) {
  let state = { reservations: new Map(reservations.map((r) => [r.id, r])), balance: { ...balance }, payments: [] as Payment[], keys: new Map<string, { hash: string; response?: string }>(), outbox: [] as OutboxEvent[] };
  const copy = () => ({ reservations: new Map(state.reservations), balance: { ...state.balance }, payments: [...state.payments], keys: new Map(state.keys), outbox: [...state.outbox] });
  const tx: TransactionRunner = {
    async run(fn) {
      const before = copy();
      try {
        return await fn({} as Transaction);
      } catch (e) {
        state = before;
        throw e;
      }
    },
  };
  const payable: PayableReservations = {
    async lockLiveHold(_tx, id, userId, now) {
      const r = state.reservations.get(id);
      if (!r) throw new DomainError("RESERVATION_NOT_FOUND", `reservation ${id}`);
      if (r.userId !== userId) throw new DomainError("NOT_OWNER", `reservation ${id}`);
      if (r.status !== "HELD" || r.heldUntil <= now) throw new DomainError("RESERVATION_NOT_HELD", `reservation ${id}`);
      return { reservation: r };
    },
    async confirm(_tx, r) {
      const confirmed = { ...r, status: "CONFIRMED" as const };
      state.reservations.set(r.id, confirmed);
      return confirmed;
    },
  };
  const balances: BalanceRepository = {
    async get(userId) {
      return state.balance[userId] ?? 0;
    },
    async add(_tx, userId, amount) {
      return (state.balance[userId] = (state.balance[userId] ?? 0) + amount);
    },
    async deduct(_tx, userId, amount) {
      const now = state.balance[userId] ?? 0;
      if (now < amount) return { taken: false, balance: now };
      return { taken: true, balance: (state.balance[userId] = now - amount) };
    },
    async record() {},
  };
  const payments: PaymentRepository = {
    async insert(_tx, p) {
      if (state.payments.some((x) => x.reservationId === p.reservationId)) return undefined;
      const payment = { id: state.payments.length + 1, ...p };
      state.payments.push(payment);
      return payment;
    },
  };
  const idempotency: IdempotencyStore = {
    async claim(_tx, userId, key, hash) {
      const k = `${userId}:${key}`;
      const found = state.keys.get(k);
      if (!found) return void state.keys.set(k, { hash });
      if (found.hash !== hash || found.response === undefined) throw idempotencyKeyReused(key);
      return found.response;
    },
    async hasResult(userId, key, hash) {
      const found = state.keys.get(`${userId}:${key}`);
      return found?.hash === hash && found.response !== undefined;
    },
    async complete(_tx, userId, key, response) {
      state.keys.get(`${userId}:${key}`)!.response = response;
    },
  };
  const outbox: OutboxWriter = {
    async append(_tx, events) {
      state.outbox.push(...events);
    },
  };
  return { tx, payable, balances, payments, idempotency, outbox, state: () => state };
}
