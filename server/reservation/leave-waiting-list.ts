import type { TransactionRunner } from "../db/transaction-runner.js";
import { offerOpen, waitingListEntryNotFound } from "./reservation.errors.js";
import type { WaitingListEntry } from "./waiting-list.js";
import type { WaitingListRepository } from "./waiting-list.repository.js";

/** Takes a WAITING fan off the list. An open offer is a reservation: the fan pays or cancels it instead. */
export class LeaveWaitingList {
  constructor(private readonly tx: TransactionRunner, private readonly list: WaitingListRepository, private readonly clock: () => Date = () => new Date()) {}

  async execute(input: { userId: number; scheduleId: number }): Promise<WaitingListEntry> {
    return this.tx.run(async (tx) => {
      const live = input.scheduleId > 0 ? await this.list.lockLiveEntry(tx, input.scheduleId, input.userId) : undefined;
      if (!live) throw waitingListEntryNotFound(input.scheduleId);
      if (live.state === "OFFERED") throw offerOpen(input.scheduleId, live.reservationId);
      await this.list.leave(tx, live.id, this.clock());
      return { ...live, state: "LEFT" as const, position: 0 };
    });
  }
}
