/** Seat state, free of any framework. The database is the source of truth; Redis holds a fast copy. */
export type SeatStatus = "AVAILABLE" | "HELD" | "SOLD";

/** A seat as the database sees it, with the holder of a live hold (for bringing Redis in step). */
export interface SeatState {
  number: number;
  status: SeatStatus;
  holderId?: number;
  heldUntil?: Date;
}

/** Outcomes of lua/hold-seats.lua (first element of its reply). */
export enum HoldGateOutcome {
  ALL_HELD = 0,
  SEAT_TAKEN = 1,
}
