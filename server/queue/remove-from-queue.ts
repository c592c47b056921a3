import { concertNotFound } from "../concert/concert.errors.js";
import type { ConcertLookup } from "./concert-lookup.js";
import type { EndEntry } from "./end-entry.js";
import { notInQueue } from "./queue.errors.js";

export class RemoveFromQueue {
  constructor(private readonly concerts: ConcertLookup, private readonly end: EndEntry) {}

  async execute(concertId: number, userId: number): Promise<void> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    if (!(await this.end.execute(concertId, userId, "removed"))) throw notInQueue(concertId, userId);
  }
}
