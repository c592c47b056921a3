import { DomainError } from "../shared/domain-error.js";
import type { TransactionRunner } from "../db/transaction-runner.js";
import { MAX_SEATS_PER_HOLD } from "./reservation.js";
import { scheduleNotFound, seatsStillAvailable } from "./reservation.errors.js";
import type { WaitingListEntry } from "./waiting-list.js";
import type { WaitingListRepository } from "./waiting-list.repository.js";

/**
 * Puts a fan at the back of a sold-out schedule's waiting list (SPEC 7.3). Only while no seat is
 * AVAILABLE (otherwise the fan should hold seats). The schedule row is locked exclusively, and every
 * release of seats takes it shared before freeing any, so the check cannot miss a seat being freed: either
 * the release committed first (we see the seat, or its offer) or it runs after us and offers to us.
 * A fan already on the list gets their entry back unchanged (to change the count: leave, then join again).
 */
export class JoinWaitingList {
  constructor(private readonly tx: TransactionRunner, private readonly list: WaitingListRepository, private readonly clock: () => Date = () => new Date()) {}

  async execute(input: { userId: number; scheduleId: number; seatCount: number }): Promise<WaitingListEntry> {
    if (!Number.isInteger(input.seatCount) || input.seatCount < 1 || input.seatCount > MAX_SEATS_PER_HOLD) {
      throw new DomainError("VALIDATION_FAILED", `invalid request: seat_count: give 1 to ${MAX_SEATS_PER_HOLD} seats`);
    }
    // Cheap refusal first, without the exclusive lock: during an open sale a crowd calling this must not
    // queue up on the schedule row that every hold shares.
    const freeNow = input.scheduleId > 0 ? await this.list.availableSeatCount(input.scheduleId) : 0;
    if (freeNow > 0) throw seatsStillAvailable(input.scheduleId, freeNow);
    return this.tx.run(async (tx) => {
      const schedule = input.scheduleId > 0 ? await this.list.lockScheduleForJoin(tx, input.scheduleId) : undefined;
      if (!schedule) throw scheduleNotFound(input.scheduleId);
      const live = await this.list.lockLiveEntry(tx, input.scheduleId, input.userId);
      if (live) return live;
      const free = await this.list.availableSeatCount(input.scheduleId, tx);
      if (free > 0) throw seatsStillAvailable(input.scheduleId, free);
      await this.list.insert(tx, { ...input, now: this.clock() });
      return (await this.list.latestOf(input.scheduleId, input.userId, tx))!;
    });
  }
}
