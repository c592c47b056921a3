import type { RedisHoldKeys, RedisSeatView } from "./seat-drift.js";

/** Port: reads Redis's copy of a schedule's seats as it is, and removes hold keys the database does not back. */
export interface SeatDriftProbe {
  view(scheduleId: number, seatNumbers: number[]): Promise<RedisSeatView>;
  /** Every hold key of the schedule, whatever its seat number (a bounded scan of the key space or of the schedule's cluster slot). */
  holdKeys(scheduleId: number): Promise<RedisHoldKeys>;
  /** Deletes each seat's hold key iff it still names `holder` (a hold set since the check is left alone). */
  dropHolds(scheduleId: number, holds: Array<{ seatNumber: number; holder: string }>): Promise<void>;
}
