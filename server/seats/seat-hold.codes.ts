/** Outcomes of lua/hold-seats.lua (first element of its reply). */
export enum HoldGateOutcome {
  ALL_HELD = 0,
  SEAT_TAKEN = 1,
}
