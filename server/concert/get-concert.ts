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
    const { concert: cached, version } = await this.cache.get(concertId);
    this.onLookup(cached !== undefined);
    if (cached) return cached;
    const concert = await this.fromDatabase(concertId);
    await this.cache.put(concert, version);
    return concert;
  }

  private async fromDatabase(concertId: number): Promise<Concert> {
    const concert = await this.concerts.get(concertId);
    if (!concert) throw concertNotFound(concertId);
    return concert;
  }
}
