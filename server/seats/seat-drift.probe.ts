import type { RedisSeatView } from "./seat-drift.js";

/** Port: reads Redis's copy of a schedule's seats as it is, and removes hold keys the database does not back. */
export interface SeatDriftProbe {
  view(scheduleId: number, seatNumbers: number[]): Promise<RedisSeatView>;
  /** Deletes each seat's hold key iff it still names `holder` (a hold set since the check is left alone). */
  dropHolds(scheduleId: number, holds: Array<{ seatNumber: number; holder: string }>): Promise<void>;
}
