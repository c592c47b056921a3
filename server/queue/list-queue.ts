import { concertNotFound } from "../concert/concert.errors.js";
import type { ConcertLookup } from "./concert-lookup.js";
import type { QueueStore, WaitingEntry } from "./queue.store.js";

export const DEFAULT_LIST_LIMIT = 50;

export class ListQueue {
  constructor(private readonly store: QueueStore, private readonly concerts: ConcertLookup) {}

  async execute(concertId: number, offset: number, limit: number): Promise<WaitingEntry[]> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    return this.store.listWaiting(concertId, offset, limit === 0 ? DEFAULT_LIST_LIMIT : limit);
  }
}
