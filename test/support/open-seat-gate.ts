import type { SeatHoldGate } from "../../server/seats/seat-hold.gate.js";
import type { SeatStateSource } from "../../server/seats/seat-state.source.js";

/**
 * Test-only: a Redis gate that lets everyone through and never touches Redis, for negative controls and
 * for showing that the database alone still decides. It still reads the database's view of seats.
 */
export class OpenSeatHoldGate implements SeatHoldGate {
  constructor(private readonly source: SeatStateSource) {}
  async tryHold(): Promise<number[]> {
    return [];
  }
  async release(): Promise<void> {}
  async reconcile(): Promise<void> {}
  seatStates(scheduleId: number, seatNumbers: number[]) {
    return this.source.seatStates(scheduleId, seatNumbers);
  }
}
