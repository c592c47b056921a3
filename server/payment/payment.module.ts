import type { Infra, ModuleParts } from "../app/module.js";
import { SequelizeTransactionRunner } from "../db/transaction-runner.sequelize.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { ActiveSessions } from "../queue/active-sessions.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import { SequelizeBalanceRepository } from "./balance.repository.sequelize.js";
import { ChargeBalance } from "./charge-balance.js";
import { GetBalance } from "./get-balance.js";
import { SequelizeIdempotencyStore } from "./idempotency.store.sequelize.js";
import type { PayableReservations } from "./payable-reservations.js";
import { Pay } from "./pay.js";
import { createPayReplayInterceptor } from "./pay-replay.interceptor.js";
import { createPaymentHandler } from "./payment.handler.js";
import { SequelizePaymentRepository } from "./payment.repository.sequelize.js";

export interface PaymentDeps {
  outbox: OutboxWriter;
  gate: SeatHoldGate;
  sessions: ActiveSessions;
  reservations: PayableReservations;
}

/** Prepaid balances and Pay: PaymentService, and the interceptor that lets a retried Pay replay its first result. */
export function createPaymentModule(infra: Infra, deps: PaymentDeps): ModuleParts {
  const { db, logger } = infra;
  const tx = new SequelizeTransactionRunner(db);
  const balances = new SequelizeBalanceRepository(db);
  const idempotency = new SequelizeIdempotencyStore(db);
  return {
    payment: createPaymentHandler({
      getBalance: new GetBalance(balances),
      chargeBalance: new ChargeBalance(tx, balances, idempotency, deps.outbox),
      pay: new Pay({
        tx,
        reservations: deps.reservations,
        balances,
        payments: new SequelizePaymentRepository(db),
        idempotency,
        outbox: deps.outbox,
        gate: deps.gate,
        sessions: deps.sessions,
        logger,
      }),
    }),
    interceptors: [createPayReplayInterceptor(idempotency)],
  };
}
