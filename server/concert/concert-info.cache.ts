import type { Concert } from "./concert.js";

/** Port: a read-through cache of concert info, invalidated whenever the catalogue changes a concert. */
export interface ConcertInfoCache {
  /** The cached concert, or undefined on a miss; `version` must be handed back to `put`. */
  get(concertId: number): Promise<{ concert?: Concert; version: string }>;
  /** Caches the concert unless it was invalidated after `version` was read. */
  put(concert: Concert, version: string): Promise<void>;
  invalidate(concertId: number): Promise<void>;
}
