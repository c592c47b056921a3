import type { Infra, ModuleParts } from "../app/module.js";
import type { ActiveSessions } from "../queue/active-sessions.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import { RedisSeatStatusStore } from "../seats/seat-status.store.redis.js";
import { SequelizeBalanceRepository } from "../payment/balance.repository.sequelize.js";
import { SequelizeIdempotencyStore } from "../payment/idempotency.store.sequelize.js";
import { SequelizePaymentRepository } from "../payment/payment.repository.sequelize.js";
import { ChargeBalance } from "../payment/charge-balance.js";
import { GetBalance } from "../payment/get-balance.js";
import { Pay } from "../payment/pay.js";
import { createPaymentHandler } from "../payment/payment.handler.js";
import { SequelizeReservationRepository } from "./reservation.repository.sequelize.js";
import { SequelizeTransactionRunner } from "../db/transaction-runner.sequelize.js";
import { RedisSeatHoldGate } from "../seats/seat-hold.gate.redis.js";
import { HoldSeats } from "./hold-seats.js";
import { GetReservation } from "./get-reservation.js";
import { ListMyReservations } from "./list-my-reservations.js";
import { CancelReservation } from "./cancel-reservation.js";
import { ReleaseExpiredHolds } from "./release-expired-holds.js";
import { createHoldSweeper } from "./hold-sweeper.worker.js";
import { createReservationHandler } from "./reservation.handler.js";

export interface BookingDeps {
  sessions: ActiveSessions;
  outbox: OutboxWriter;
}

/** Seats, holds, balance and payment (issue 4): ReservationService, PaymentService and the hold sweeper. */
export function createBookingModule(infra: Infra, deps: BookingDeps): ModuleParts & { onCatalogueChange(concertId: number): Promise<void> } {
  const { db, redis, logger, config } = infra;
  const tx = new SequelizeTransactionRunner(db);
  const reservations = new SequelizeReservationRepository(db);
  const seatStatuses = new RedisSeatStatusStore(redis);
  const gate = new RedisSeatHoldGate(redis, seatStatuses);
  const balances = new SequelizeBalanceRepository(db);
  const idempotency = new SequelizeIdempotencyStore(db);

  const reservation = createReservationHandler({
    holdSeats: new HoldSeats(tx, reservations, gate, deps.outbox, { holdTtlSeconds: config.holdTtlSeconds, logger }),
    getReservation: new GetReservation(reservations),
    listMyReservations: new ListMyReservations(reservations),
    cancelReservation: new CancelReservation(tx, reservations, gate, deps.outbox, logger),
  });
  const payment = createPaymentHandler({
    getBalance: new GetBalance(balances),
    chargeBalance: new ChargeBalance(tx, balances, idempotency, deps.outbox),
    pay: new Pay({
      tx,
      reservations,
      balances,
      payments: new SequelizePaymentRepository(db),
      idempotency,
      outbox: deps.outbox,
      gate,
      sessions: deps.sessions,
      logger,
    }),
  });
  const sweeper = createHoldSweeper(new ReleaseExpiredHolds(tx, reservations, gate, deps.outbox, logger), logger);

  return {
    reservation,
    payment,
    workers: [sweeper],
    // New schedules get their seat-status hash at once, so the hold gate keeps it in step from the first sale.
    async onCatalogueChange(concertId: number) {
      try {
        for (const scheduleId of await reservations.scheduleIdsOf(concertId)) {
          if (await seatStatuses.has(scheduleId)) continue;
          const all = await reservations.seatStates(scheduleId);
          await seatStatuses.loadIfAbsent(scheduleId, all.map((x) => ({ number: x.number, status: x.status })));
        }
      } catch (err) {
        logger.warn({ err: (err as Error).message, concertId }, "could not preload seat statuses; ListSeats will load them");
      }
    },
  };
}
