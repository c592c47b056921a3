import { concertNotFound } from "../concert/concert.errors.js";
import type { ConcertLookup } from "./concert-lookup.js";
import type { QueueStats, QueueStore } from "./queue.store.js";

export class GetQueueStats {
  constructor(private readonly store: QueueStore, private readonly concerts: ConcertLookup) {}

  async execute(concertId: number): Promise<QueueStats & { admissionRatePerSecond: number }> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    const s = await this.store.stats(concertId);
    return { ...s, admissionRatePerSecond: s.admissionsInWindow / (this.store.rateWindowMs / 1000) };
  }
}
