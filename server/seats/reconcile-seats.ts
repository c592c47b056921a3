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
  /** The scan for orphan hold keys stopped at its bound. */
  scanIncomplete: boolean;
}

/**
 * The operator's drift check (SPEC 7.4, `concert-admin reconcile`). With repair, hold keys the database
 * does not back (including those of seat numbers it does not have) are dropped, then the drifting seats
 * the database has go through the one reload path (gate.reconcile) with their states read again just
 * before, and the schedule is checked once more.
 */
export class ReconcileSeats {
  constructor(
    private readonly find: FindSeatDrift,
    private readonly probe: SeatDriftProbe,
    private readonly source: SeatStateSource,
    private readonly reconciler: SeatReconciler,
  ) {}

  async execute(scheduleId: number, repair: boolean): Promise<ReconcileSeatsResult> {
    const { drifts, scanComplete } = await this.find.execute(scheduleId);
    if (!repair || drifts.length === 0) return { drifts, repaired: repair, remaining: [], scanIncomplete: !scanComplete };

    const before = await this.probe.view(scheduleId, [...new Set(drifts.map((d) => d.seatNumber))]);
    const wrongHolders = drifts
      .filter((d) => d.kind === "HOLD_KEY_STALE" || d.kind === "HOLDER_MISMATCH" || d.kind === "HOLD_KEY_ORPHAN")
      .flatMap((d) => {
        const holder = before.holders.get(d.seatNumber);
        return holder === undefined ? [] : [{ seatNumber: d.seatNumber, holder }];
      });
    await this.probe.dropHolds(scheduleId, wrongHolders);
    const seatNumbers = [...new Set(drifts.filter((d) => d.kind !== "HOLD_KEY_ORPHAN").map((d) => d.seatNumber))];
    if (seatNumbers.length > 0) await this.reconciler.reconcile(scheduleId, await this.source.seatStates(scheduleId, seatNumbers));

    const after = await this.find.execute(scheduleId);
    return { drifts, repaired: after.drifts.length === 0, remaining: after.drifts, scanIncomplete: !after.scanComplete };
  }
}
