import { orphanHoldKeys, seatDrifts, type SeatDrift } from "./seat-drift.js";
import type { SeatDriftProbe } from "./seat-drift.probe.js";
import type { SeatStateSource } from "./seat-state.source.js";
import type { SeatState } from "./seat.js";
import { scheduleNotFound } from "./seats.errors.js";

export interface SeatDriftReport {
  drifts: SeatDrift[];
  /** The database's seats the report was made from. */
  seats: SeatState[];
  /** False when the scan for orphan hold keys stopped at its bound. */
  scanComplete: boolean;
}

/**
 * Compares a schedule's seats in the database (the truth) with Redis's status hash and hold keys, and
 * looks for hold keys of seat numbers the database does not have. Drifts are in seat order.
 */
export class FindSeatDrift {
  constructor(
    private readonly source: SeatStateSource,
    private readonly probe: SeatDriftProbe,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(scheduleId: number): Promise<SeatDriftReport> {
    if (!(scheduleId > 0) || !(await this.source.scheduleExists(scheduleId))) throw scheduleNotFound(scheduleId);
    const seats = await this.source.seatStates(scheduleId);
    const view = await this.probe.view(scheduleId, seats.map((s) => s.number));
    const holdKeys = await this.probe.holdKeys(scheduleId);
    const drifts = [...seatDrifts(seats, view, this.clock()), ...orphanHoldKeys(seats, holdKeys)].sort((a, b) => a.seatNumber - b.seatNumber);
    return { drifts, seats, scanComplete: holdKeys.complete };
  }
}
