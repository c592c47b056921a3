import { concertNotFound } from "../concert/concert.errors.js";
import type { ConcertLookup } from "./concert-lookup.js";
import { noDraw } from "./queue.errors.js";
import type { DrawRecord, QueueStore } from "./queue.store.js";

/**
 * The public record of a concert's draw (ConcertService.GetDraw): the commitment always, the seed and
 * the draw keys in drawn order once the draw ran. No user ids. Redis only (restored from MySQL when
 * Redis lost the opening), so a crowd checking the draw right after the opening costs no SQL.
 */
export class GetDraw {
  constructor(private readonly store: QueueStore, private readonly concerts: ConcertLookup) {}

  async execute(concertId: number): Promise<DrawRecord> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    const d = await this.store.draw(concertId);
    if (!d) throw noDraw(concertId);
    return d;
  }
}
