import type { Schedule } from "./concert.js";
import type { ConcertRepository } from "./concert.repository.js";
import type { GetConcert } from "./get-concert.js";

/** A concert's dates with their free seat counts, counted in the database (the source of truth). */
export class ListSchedules {
  constructor(private readonly concerts: ConcertRepository, private readonly getConcert: GetConcert) {}

  async execute(input: { concertId: number; onlyAvailable: boolean }): Promise<Schedule[]> {
    // Existence through the cache, so an unknown concert is NOT_FOUND rather than an empty list.
    await this.getConcert.execute(input.concertId);
    const schedules = await this.concerts.listSchedules(input.concertId);
    return input.onlyAvailable ? schedules.filter((s) => s.availableSeats > 0) : schedules;
  }
}
