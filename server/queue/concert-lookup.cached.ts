import type { ConcertInfoCache } from "../concert/concert-info.cache.js";
import type { ConcertLookup } from "./concert-lookup.js";

/**
 * Keeps MySQL off the waiting room's hot path (SPEC 7.1): concerts are never deleted, so once a
 * concert is known to exist this process remembers it; before that the Redis concert-info cache
 * (filled by GetConcert) answers, and only when both miss does the database. So IssueToken reads
 * MySQL at most once per concert per process, never per fan. Schedules and reservations (booking
 * RPCs, which use MySQL anyway) go straight to the inner lookup.
 */
export class CachedConcertLookup implements ConcertLookup {
  private readonly known = new Set<number>();

  constructor(
    private readonly inner: ConcertLookup,
    private readonly cache: ConcertInfoCache,
    private readonly max = 100_000,
  ) {}

  async concertExists(concertId: number): Promise<boolean> {
    if (this.known.has(concertId)) return true;
    if (!(concertId > 0)) return false;
    // A cache outage degrades to the database rather than failing the sale.
    const cached = await this.cache.get(concertId).catch(() => undefined);
    const exists = cached?.concert !== undefined || (await this.inner.concertExists(concertId));
    if (exists) {
      if (this.known.size >= this.max) this.known.clear();
      this.known.add(concertId);
    }
    return exists;
  }

  concertOfSchedule(scheduleId: number): Promise<number | undefined> {
    return this.inner.concertOfSchedule(scheduleId);
  }

  concertOfReservation(reservationId: number): Promise<number | undefined> {
    return this.inner.concertOfReservation(reservationId);
  }
}
