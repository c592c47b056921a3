import type { Concert } from "./concert.js";
import { concertNotFound } from "./concert.errors.js";
import type { ConcertRepository } from "./concert.repository.js";

export class GetConcert {
  constructor(private readonly concerts: ConcertRepository) {}

  async execute(concertId: number): Promise<Concert> {
    const concert = concertId > 0 ? await this.concerts.get(concertId) : undefined;
    if (!concert) throw concertNotFound(concertId);
    return concert;
  }
}
