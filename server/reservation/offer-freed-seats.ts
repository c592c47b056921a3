import type { Transaction } from "sequelize";
import type { Logger } from "../shared/logger.js";
import { afterCommit } from "../shared/after-commit.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { Reservation } from "./reservation.js";
import { seatsOffered } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";
import type { WaitingListRepository } from "./waiting-list.repository.js";
import { MAX_SEATS_PER_HOLD } from "./reservation.js";

/** Bounds one release transaction's offering (a schedule frees at most this many offers at once). */
const MAX_OFFERS_PER_SCHEDULE = 200;

/**
 * Offers freed seats to a schedule's waiting list, inside the transaction that freed them (cancel,
 * expiry), so the release and its offers commit together or not at all. Rules (README, Waiting list):
 * the offered seats are the lowest-numbered AVAILABLE seats of the schedule, any grade; they go to the
 * first WAITING entrant in list order whose seat count fits the free seats; an entrant who does not fit
 * keeps their place and later entrants who fit are served, and this repeats while seats and fitting
 * entrants remain. The offer is a normal HELD reservation of HOLD_TTL_SECONDS with a SeatsOffered event.
 *
 * Call `prepare` after the reservation rows changed status and before freeing any seat (it takes the
 * locks that order offering transactions and joins, before any seat lock, so two sweepers or cancels
 * never deadlock or offer twice), then `offer`.
 */
export class OfferFreedSeats {
  constructor(
    private readonly list: WaitingListRepository,
    private readonly reservations: ReservationRepository,
    private readonly outbox: OutboxWriter,
    private readonly gate: SeatHoldGate,
    private readonly opts: { holdTtlSeconds: number; logger?: Logger },
  ) {}

  /** Locks in schedule order; returns the schedules someone is waiting for. */
  async prepare(tx: Transaction, scheduleIds: number[]): Promise<number[]> {
    const waiting: number[] = [];
    for (const id of [...new Set(scheduleIds)].sort((a, b) => a - b)) {
      if (await this.list.lockForOffers(tx, id)) waiting.push(id);
    }
    return waiting;
  }

  /** After the seats are freed in `tx`: makes the offers; returns the new HELD reservations. */
  async offer(tx: Transaction, scheduleIds: number[], now: Date): Promise<Reservation[]> {
    const made: Reservation[] = [];
    for (const scheduleId of scheduleIds) {
      const layout = await this.reservations.scheduleSeats(scheduleId);
      if (!layout) continue;
      for (let i = 0; i < MAX_OFFERS_PER_SCHEDULE; i++) {
        const free = await this.list.lockFreeSeats(tx, scheduleId, MAX_SEATS_PER_HOLD);
        if (free.length === 0) break;
        const entry = await this.list.nextFitting(tx, scheduleId, free.length);
        if (!entry) break;
        const seats = free.slice(0, entry.seatCount);
        const r = await this.reservations.insertHold(tx, {
          userId: entry.userId,
          concertId: layout.concertId,
          scheduleId,
          seatNumbers: seats.map((s) => s.number),
          totalPrice: seats.reduce((sum, s) => sum + s.price, 0),
          heldUntil: new Date(now.getTime() + this.opts.holdTtlSeconds * 1000),
          now,
          waitingListEntryId: entry.id,
        });
        // The entry is row-locked, so this holds; if it did not, the whole release rolls back and retries.
        if (!(await this.list.markOffered(tx, entry.id, r.id, now))) throw new Error(`waiting-list entry ${entry.id} changed under its lock`);
        await this.outbox.append(tx, [seatsOffered(r, now)]);
        made.push(r);
      }
    }
    return made;
  }

  /** After commit: Redis shows the offered seats HELD by their new holder (the database already decided). */
  async publish(offers: Reservation[]): Promise<void> {
    for (const r of offers) {
      await afterCommit(this.opts.logger, "seats offered in the database, Redis not updated", { reservationId: r.id }, async () =>
        this.gate.reconcile(r.scheduleId, await this.gate.seatStates(r.scheduleId, r.seatNumbers)),
      );
    }
  }
}
