import type { SeatStatus } from "./seat.js";

/** Port: the fast copy of seat statuses (Redis seat-status hash); the database stays the source of truth. */
export interface SeatStatusStore {
  /** All statuses of the schedule, or undefined when the copy is missing (never loaded or flushed). */
  read(scheduleId: number): Promise<Map<number, SeatStatus> | undefined>;
  has(scheduleId: number): Promise<boolean>;
  /** Loads a database snapshot unless a copy already exists; true when it loaded. */
  loadIfAbsent(scheduleId: number, statuses: Array<{ number: number; status: SeatStatus }>): Promise<boolean>;
}
