import type { FindSeatDrift } from "./find-seat-drift.js";
import type { SeatDrift } from "./seat-drift.js";
import type { SeatDriftProbe } from "./seat-drift.probe.js";
import type { SeatReconciler } from "./seat-hold.gate.js";
import type { SeatStateSource } from "./seat-state.source.js";

export interface ReconcileSeatsResult {
  /** What differed before any repair. */
  drifts: SeatDrift[];
  /** True when repair ran and the check after it found nothing. */
  repaired: boolean;
  /** What still differs after the repair. */
  remaining: SeatDrift[];
}

/**
 * The operator's drift check (SPEC 7.4, `concert-admin reconcile`). With repair, hold keys the database
 * does not back are dropped, then the drifting seats go through the one reload path (gate.reconcile)
 * with the database's states read again just before, and the schedule is checked once more.
 */
export class ReconcileSeats {
  constructor(
    private readonly find: FindSeatDrift,
    private readonly probe: SeatDriftProbe,
    private readonly source: SeatStateSource,
    private readonly reconciler: SeatReconciler,
  ) {}

  async execute(scheduleId: number, repair: boolean): Promise<ReconcileSeatsResult> {
    const { drifts } = await this.find.execute(scheduleId);
    if (!repair || drifts.length === 0) return { drifts, repaired: repair, remaining: [] };

    const before = await this.probe.view(scheduleId, [...new Set(drifts.map((d) => d.seatNumber))]);
    const wrongHolders = drifts
      .filter((d) => d.kind === "HOLD_KEY_STALE" || d.kind === "HOLDER_MISMATCH")
      .flatMap((d) => {
        const holder = before.holders.get(d.seatNumber);
        return holder === undefined ? [] : [{ seatNumber: d.seatNumber, holder }];
      });
    await this.probe.dropHolds(scheduleId, wrongHolders);
    const seatNumbers = [...new Set(drifts.map((d) => d.seatNumber))];
    await this.reconciler.reconcile(scheduleId, await this.source.seatStates(scheduleId, seatNumbers));

    const { drifts: remaining } = await this.find.execute(scheduleId);
    return { drifts, repaired: remaining.length === 0, remaining };
  }
}
