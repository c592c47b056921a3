import type { Concert } from "./concert.js";
import type { ConcertFields, ConcertRepository } from "./concert.repository.js";
import { newDrawSecret } from "./draw-secret.js";

export class CreateConcert {
  constructor(private readonly concerts: ConcertRepository, private readonly onChange: (id: number) => Promise<void>) {}

  /**
   * A scheduled opening fixes the draw's seed now, so its commitment is public from the start. The
   * waiting room reads the opening from MySQL the first time the concert is queued for.
   */
  async execute(fields: ConcertFields): Promise<Concert> {
    const secret = fields.salesOpenAt ? newDrawSecret() : undefined;
    const concert = await this.concerts.create({ ...fields, drawSeed: secret?.seed, fairnessCommitment: secret?.commitment });
    await this.onChange(concert.id);
    return concert;
  }
}
