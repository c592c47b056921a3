import type { FindSeatDrift } from "./find-seat-drift.js";
import { driftingSeats } from "./seat-drift.js";
import type { SeatStateSource } from "./seat-state.source.js";

export interface DriftCheckOutcome {
  scheduleId: number;
  /** Seats that differ (including hold keys of seat numbers the database does not have); undefined when the check failed. */
  drifting?: number;
  error?: string;
}

/**
 * The background drift check: each step checks the next `perStep` schedules that are still on sale (a
 * cursor over schedule ids, so one step's work is bounded however many schedules there are) and reports
 * the count per schedule. A step that finds no schedule after the cursor ends the cycle; the next
 * starts from the first again. It only reads: repair stays the operator's (`concert-admin reconcile`).
 */
export class CheckSeatDrift {
  private cursor = 0;

  constructor(
    private readonly source: SeatStateSource,
    private readonly find: FindSeatDrift,
    private readonly perStep: number,
  ) {}

  /** The schedules checked in this step, and whether it ended a cycle (every schedule seen since the last end). */
  async step(): Promise<{ outcomes: DriftCheckOutcome[]; cycleEnded: boolean }> {
    const ids = await this.source.scheduleIdsToCheck(this.cursor, this.perStep);
    const outcomes: DriftCheckOutcome[] = [];
    for (const scheduleId of ids) {
      try {
        const { drifts } = await this.find.execute(scheduleId);
        outcomes.push({ scheduleId, drifting: driftingSeats(drifts) });
      } catch (e) {
        outcomes.push({ scheduleId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    const cycleEnded = ids.length < this.perStep;
    this.cursor = cycleEnded ? 0 : ids[ids.length - 1]!;
    return { outcomes, cycleEnded };
  }
}
