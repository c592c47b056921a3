import type { Infra, ModuleParts } from "../app/module.js";
import { SequelizeTransactionRunner } from "../db/transaction-runner.sequelize.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { PayableReservations } from "../payment/payable-reservations.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import { SequelizeReservationRepository } from "./reservation.repository.sequelize.js";
import { HoldSeats } from "./hold-seats.js";
import { GetReservation } from "./get-reservation.js";
import { ListMyReservations } from "./list-my-reservations.js";
import { CancelReservation } from "./cancel-reservation.js";
import { ReleaseExpiredHolds } from "./release-expired-holds.js";
import { createHoldSweeper } from "./hold-sweeper.worker.js";
import { createReservationHandler } from "./reservation.handler.js";
import { ReservationsForPayment } from "./reservations-for-payment.js";

export interface ReservationDeps {
  outbox: OutboxWriter;
  gate: SeatHoldGate;
}

/** Holds and reservations: ReservationService, the hold sweeper, and the reservation side of Pay. */
export function createReservationModule(infra: Infra, deps: ReservationDeps): ModuleParts & { payable: PayableReservations } {
  const { db, logger, config } = infra;
  const tx = new SequelizeTransactionRunner(db);
  const reservations = new SequelizeReservationRepository(db);
  const { gate, outbox } = deps;

  const reservation = createReservationHandler({
    holdSeats: new HoldSeats(tx, reservations, gate, outbox, { holdTtlSeconds: config.holdTtlSeconds, logger }),
    getReservation: new GetReservation(reservations),
    listMyReservations: new ListMyReservations(reservations),
    cancelReservation: new CancelReservation(tx, reservations, gate, outbox, logger),
  });
  const sweeper = createHoldSweeper(new ReleaseExpiredHolds(tx, reservations, gate, outbox, logger), logger);

  return {
    reservation,
    workers: [sweeper],
    payable: new ReservationsForPayment(reservations, outbox),
  };
}
