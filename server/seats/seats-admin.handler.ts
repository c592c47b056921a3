import type { ServiceImpl } from "@connectrpc/connect";
import { SeatDriftKind, type AdminService } from "../../gen/concert/v1/admin_pb.js";
import { idOf } from "../shared/ids.js";
import type { ReconcileSeats } from "./reconcile-seats.js";
import type { SeatDrift } from "./seat-drift.js";

const kindOf: Record<SeatDrift["kind"], SeatDriftKind> = {
  STATUS_MISMATCH: SeatDriftKind.STATUS_MISMATCH,
  HOLD_KEY_MISSING: SeatDriftKind.HOLD_KEY_MISSING,
  HOLD_KEY_STALE: SeatDriftKind.HOLD_KEY_STALE,
  HOLDER_MISMATCH: SeatDriftKind.HOLDER_MISMATCH,
  HOLD_KEY_ORPHAN: SeatDriftKind.HOLD_KEY_ORPHAN,
};

const driftOf = (d: SeatDrift) => ({
  seatNumber: d.seatNumber,
  kind: kindOf[d.kind],
  mysqlStatus: d.mysqlStatus,
  redisStatus: d.redisStatus ?? "",
  detail: d.detail,
});

/** AdminService.ReconcileSeats. The auth interceptor has already checked the admin role. */
export function createSeatsAdminHandler(reconcile: ReconcileSeats): Pick<ServiceImpl<typeof AdminService>, "reconcileSeats"> {
  return {
    async reconcileSeats(req) {
      const r = await reconcile.execute(idOf(req.scheduleId), req.repair);
      return { drifts: r.drifts.map(driftOf), repaired: r.repaired, remaining: r.remaining.map(driftOf), orphanScanIncomplete: r.scanIncomplete };
    },
  };
}
