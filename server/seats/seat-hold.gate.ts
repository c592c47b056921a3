import type { SeatState } from "./seat.js";

/** Port: brings the Redis copy of a schedule's seats in step with the database (which wins). */
export interface SeatReconciler {
  /**
   * The one reload path. When the status hash is missing (never loaded, flushed or evicted), it is
   * rebuilt from the database together with every live hold key; `seats` (database states) are then
   * written over whatever Redis says about them.
   */
  reconcile(scheduleId: number, seats?: SeatState[]): Promise<void>;
}

/**
 * Port: the fast gate in front of the database. It turns away most of a crowd racing for the same
 * seats without a database round trip; it never decides alone (the database has the final word).
 */
export interface SeatHoldGate extends SeatReconciler {
  /** Sets the holder's keys on all seats iff none is held or sold in Redis; returns the refused seats (empty = all set). */
  tryHold(scheduleId: number, seatNumbers: number[], holderId: number, ttlMs: number): Promise<number[]>;
  /** Drops the holder's keys and records the seats' new status ("keep" leaves the status hash alone). */
  release(scheduleId: number, seatNumbers: number[], holderId: number, status: "AVAILABLE" | "SOLD" | "keep"): Promise<void>;
  /** The database's view of these seats (the final word), e.g. to say which ones were taken. */
  seatStates(scheduleId: number, seatNumbers: number[]): Promise<SeatState[]>;
}
