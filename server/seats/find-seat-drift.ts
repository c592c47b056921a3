import { seatDrifts, type SeatDrift } from "./seat-drift.js";
import type { SeatDriftProbe } from "./seat-drift.probe.js";
import type { SeatStateSource } from "./seat-state.source.js";
import type { SeatState } from "./seat.js";
import { scheduleNotFound } from "./seats.errors.js";

export interface SeatDriftReport {
  drifts: SeatDrift[];
  /** The database's seats the report was made from. */
  seats: SeatState[];
}

/** Compares a schedule's seats in the database (the truth) with Redis's status hash and hold keys. */
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
    return { drifts: seatDrifts(seats, view, this.clock()), seats };
  }
}
