import type { Concert } from "./concert.js";
import { concertNotFound } from "./concert.errors.js";
import type { ConcertRepository } from "./concert.repository.js";
import type { ConcertInfoCache } from "./concert-info.cache.js";

export class GetConcert {
  constructor(
    private readonly concerts: ConcertRepository,
    private readonly cache?: ConcertInfoCache,
    private readonly onLookup: (hit: boolean) => void = () => {},
  ) {}

  async execute(concertId: number): Promise<Concert> {
    if (concertId <= 0) throw concertNotFound(concertId);
    if (!this.cache) return this.fromDatabase(concertId);
    // A cache outage must not take the public catalogue down: it degrades to the database.
    const lookup = await this.cache.get(concertId).catch(() => undefined);
    this.onLookup(lookup?.concert !== undefined);
    if (lookup?.concert) return lookup.concert;
    const concert = await this.fromDatabase(concertId);
    if (lookup) await this.cache.put(concert, lookup.version).catch(() => {});
    return concert;
  }

  private async fromDatabase(concertId: number): Promise<Concert> {
    const concert = await this.concerts.get(concertId);
    if (!concert) throw concertNotFound(concertId);
    return concert;
  }
}
