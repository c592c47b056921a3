import type { Infra, ModuleParts } from "../app/module.js";
import { SequelizeTransactionRunner } from "../db/transaction-runner.sequelize.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { PayableReservations } from "../payment/payable-reservations.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { Reservation } from "./reservation.js";
import { SequelizeReservationRepository } from "./reservation.repository.sequelize.js";
import { HoldSeats } from "./hold-seats.js";
import { GetReservation } from "./get-reservation.js";
import { ListMyReservations } from "./list-my-reservations.js";
import { CancelReservation } from "./cancel-reservation.js";
import { ReleaseExpiredHolds } from "./release-expired-holds.js";
import { createHoldSweeper } from "./hold-sweeper.worker.js";
import { createReservationHandler } from "./reservation.handler.js";
import { ReservationsForPayment } from "./reservations-for-payment.js";
import { SequelizeWaitingListRepository } from "./waiting-list.repository.sequelize.js";
import { OfferFreedSeats } from "./offer-freed-seats.js";
import { JoinWaitingList } from "./join-waiting-list.js";
import { LeaveWaitingList } from "./leave-waiting-list.js";
import { GetWaitingListEntry } from "./get-waiting-list-entry.js";
import { GetWaitingList } from "./get-waiting-list.js";
import { createWaitingListAdminHandler, createWaitingListHandler } from "./waiting-list.handler.js";
import { createQueueTokenWaiverInterceptor } from "./queue-token-waiver.interceptor.js";

export interface ReservationDeps {
  outbox: OutboxWriter;
  gate: SeatHoldGate;
  /** Told of each committed hold (the queue module's token check then knows the reservation's concert). */
  onHeld?: (r: Reservation) => void;
}

/**
 * Holds and reservations: ReservationService (with the waiting list), AdminService.GetWaitingList, the
 * hold sweeper, the reservation side of Pay (late payment included) and the queue-token waiver for offers
 * and late payments (its interceptor must run before the queue module's).
 */
export function createReservationModule(infra: Infra, deps: ReservationDeps): ModuleParts & { payable: PayableReservations } {
  const { db, logger, config } = infra;
  const tx = new SequelizeTransactionRunner(db);
  const reservations = new SequelizeReservationRepository(db);
  const list = new SequelizeWaitingListRepository(db);
  const { gate, outbox } = deps;
  const offers = new OfferFreedSeats(list, reservations, outbox, gate, { holdTtlSeconds: config.holdTtlSeconds, logger });

  const reservation = {
    ...createReservationHandler({
      holdSeats: new HoldSeats(tx, reservations, gate, outbox, { holdTtlSeconds: config.holdTtlSeconds, logger, onHeld: deps.onHeld }),
      getReservation: new GetReservation(reservations),
      listMyReservations: new ListMyReservations(reservations),
      cancelReservation: new CancelReservation(tx, reservations, gate, outbox, offers, logger),
    }),
    ...createWaitingListHandler({
      join: new JoinWaitingList(tx, list),
      leave: new LeaveWaitingList(tx, list),
      get: new GetWaitingListEntry(list),
    }),
  };
  const sweeper = createHoldSweeper(new ReleaseExpiredHolds(tx, reservations, gate, outbox, offers, logger), logger);

  return {
    reservation,
    admin: createWaitingListAdminHandler(new GetWaitingList(list)),
    interceptors: [createQueueTokenWaiverInterceptor(reservations, config.latePayGraceSeconds)],
    workers: [sweeper],
    payable: new ReservationsForPayment(reservations, outbox, config.latePayGraceSeconds),
  };
}
