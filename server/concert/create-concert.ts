import type { Concert } from "./concert.js";
import type { ConcertFields, ConcertRepository } from "./concert.repository.js";

export class CreateConcert {
  constructor(private readonly concerts: ConcertRepository, private readonly onChange: (id: number) => Promise<void>) {}

  async execute(fields: ConcertFields): Promise<Concert> {
    const concert = await this.concerts.create(fields);
    await this.onChange(concert.id);
    return concert;
  }
}
