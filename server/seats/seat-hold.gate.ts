import type { SeatState } from "../reservation/reservation.js";

/**
 * Port: the fast gate in front of the database. It turns away most of a crowd racing for the same
 * seats without a database round trip; it never decides alone (the database has the final word).
 */
export interface SeatHoldGate {
  /** Sets the holder's keys on all seats iff none is held or sold in Redis; returns the refused seats (empty = all set). */
  tryHold(scheduleId: number, seatNumbers: number[], holderId: number, ttlMs: number): Promise<number[]>;
  /** Drops the holder's keys and records the seats' new status ("keep" leaves the status hash alone). */
  release(scheduleId: number, seatNumbers: number[], holderId: number, status: "AVAILABLE" | "SOLD" | "keep"): Promise<void>;
  /**
   * Makes Redis agree with the database for these seats. When the status hash is missing (flushed),
   * it is first rebuilt from `allSeats`.
   */
  repair(scheduleId: number, states: SeatState[], allSeats: () => Promise<SeatState[]>, now: Date): Promise<void>;
}
