import { waitingListEntryNotFound } from "./reservation.errors.js";
import type { WaitingListEntry } from "./waiting-list.js";
import type { WaitingListRepository } from "./waiting-list.repository.js";

/** The caller's latest entry on a schedule's waiting list, with its place among those waiting. */
export class GetWaitingListEntry {
  constructor(private readonly list: WaitingListRepository) {}

  async execute(input: { userId: number; scheduleId: number }): Promise<WaitingListEntry> {
    const entry = input.scheduleId > 0 ? await this.list.latestOf(input.scheduleId, input.userId) : undefined;
    if (!entry) throw waitingListEntryNotFound(input.scheduleId);
    return entry;
  }
}
