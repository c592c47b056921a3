import type { Concert } from "./concert.js";
import { concertNotFound } from "./concert.errors.js";
import type { ConcertFields, ConcertRepository } from "./concert.repository.js";

export class UpdateConcert {
  constructor(private readonly concerts: ConcertRepository, private readonly onChange: (id: number) => Promise<void>) {}

  async execute(concertId: number, fields: Partial<ConcertFields>): Promise<Concert> {
    const concert = concertId > 0 ? await this.concerts.update(concertId, fields) : undefined;
    if (!concert) throw concertNotFound(concertId);
    await this.onChange(concertId);
    return concert;
  }
}
