import type { SeatState } from "./seat.js";

/** Port: the database's view of seats, which Redis is brought in step with. */
export interface SeatStateSource {
  /** All seats of the schedule, or only `numbers`, in seat order. */
  seatStates(scheduleId: number, numbers?: number[]): Promise<SeatState[]>;
  scheduleIdsOf(concertId: number): Promise<number[]>;
  scheduleExists(scheduleId: number): Promise<boolean>;
  /** Schedules still worth checking (the show has not ended: starts_at within the last day or later), id > afterId, in id order. */
  scheduleIdsToCheck(afterId: number, limit: number): Promise<number[]>;
}
