import { DomainError, isDomainError } from "../shared/domain-error.js";
import type { Logger } from "../shared/logger.js";
import { afterCommit } from "../shared/after-commit.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import { MAX_SEATS_PER_HOLD, type Reservation } from "./reservation.js";
import { scheduleNotFound, seatsNotFound, seatsTaken } from "./reservation.errors.js";
import { seatsHeld } from "./reservation-events.js";
import type { ReservationRepository } from "./reservation.repository.js";
import type { SeatHoldGate } from "../seats/seat-hold.gate.js";
import type { TransactionRunner } from "../db/transaction-runner.js";

export interface HoldSeatsOptions {
  holdTtlSeconds: number;
  logger?: Logger;
  clock?: () => Date;
  /** Told of each committed hold (synchronously; must not throw). */
  onHeld?: (r: Reservation) => void;
}

/**
 * Holds 1-4 seats of one schedule, all or nothing. Redis turns the losing crowd away cheaply; the
 * database transaction (conditional UPDATE + unique live-seat key) is the final word, so a flushed or
 * stale Redis can never sell a seat twice. When the two disagree, Redis is repaired from the database.
 */
export class HoldSeats {
  private readonly clock: () => Date;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly reservations: ReservationRepository,
    private readonly gate: SeatHoldGate,
    private readonly outbox: OutboxWriter,
    private readonly opts: HoldSeatsOptions,
  ) {
    this.clock = opts.clock ?? (() => new Date());
  }

  async execute(input: { userId: number; scheduleId: number; seatNumbers: number[] }): Promise<Reservation> {
    const seats = [...input.seatNumbers].sort((a, b) => a - b);
    if (seats.length < 1 || seats.length > MAX_SEATS_PER_HOLD || new Set(seats).size !== seats.length) {
      throw new DomainError("VALIDATION_FAILED", `invalid request: seat_numbers: give 1 to ${MAX_SEATS_PER_HOLD} distinct seat numbers`);
    }
    const layout = input.scheduleId > 0 ? await this.reservations.scheduleSeats(input.scheduleId) : undefined;
    if (!layout) throw scheduleNotFound(input.scheduleId);
    const unknown = seats.filter((n) => !layout.prices.has(n));
    if (unknown.length > 0) throw seatsNotFound(input.scheduleId, unknown);

    const ttlMs = this.opts.holdTtlSeconds * 1000;
    const refused = await this.gate.tryHold(input.scheduleId, seats, input.userId, ttlMs);
    if (refused.length > 0) throw seatsTaken(refused);
    const now = this.clock();
    const hold = {
      userId: input.userId,
      concertId: layout.concertId,
      scheduleId: input.scheduleId,
      seatNumbers: seats,
      totalPrice: seats.reduce((sum, n) => sum + layout.prices.get(n)!, 0),
      heldUntil: new Date(now.getTime() + ttlMs),
      now,
    };
    try {
      const r = await this.tx.run(async (tx) => {
        const r = await this.reservations.insertHold(tx, hold);
        await this.outbox.append(tx, [seatsHeld(r, now)]);
        return r;
      });
      this.opts.onHeld?.(r);
      return r;
    } catch (e) {
      if (isDomainError(e) && e.code === "SEAT_TAKEN") {
        // Redis let us through but the database refused: the database wins and Redis is repaired.
        const states = await this.gate.seatStates(input.scheduleId, seats);
        await this.afterRedis(async () => {
          await this.gate.release(input.scheduleId, seats, input.userId, "keep");
          await this.gate.reconcile(input.scheduleId, states);
        });
        throw seatsTaken(states.filter((s) => s.status !== "AVAILABLE").map((s) => s.number));
      }
      await this.afterRedis(() => this.gate.release(input.scheduleId, seats, input.userId, "AVAILABLE"));
      throw e;
    }
  }

  /** Redis repairs are best effort: the database already decided, and the hold keys expire anyway. */
  private afterRedis(fn: () => Promise<void>): Promise<void> {
    return afterCommit(this.opts.logger, "could not bring Redis in step with the database", {}, fn);
  }
}
