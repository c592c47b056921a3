import { scheduleNotFound } from "./reservation.errors.js";
import type { WaitingListSummary } from "./waiting-list.js";
import type { WaitingListRepository } from "./waiting-list.repository.js";

/** Operators' view of a schedule's waiting list: its length and the offers open now. */
export class GetWaitingList {
  constructor(private readonly list: WaitingListRepository) {}

  async execute(scheduleId: number): Promise<WaitingListSummary> {
    const summary = scheduleId > 0 ? await this.list.summary(scheduleId) : undefined;
    if (!summary) throw scheduleNotFound(scheduleId);
    return summary;
  }
}
