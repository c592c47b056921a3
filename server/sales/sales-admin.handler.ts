import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { idOf } from "../shared/ids.js";
import type { GetSalesStats } from "./get-sales-stats.js";

/** AdminService.GetSalesStats. The auth interceptor has already checked the admin role. */
export function createSalesAdminHandler(getSalesStats: GetSalesStats): Pick<ServiceImpl<typeof AdminService>, "getSalesStats"> {
  return {
    async getSalesStats(req) {
      const s = await getSalesStats.execute(idOf(req.concertId));
      return {
        schedules: s.schedules.map((r) => ({ scheduleId: BigInt(r.scheduleId), held: BigInt(r.held), sold: BigInt(r.sold), revenue: BigInt(r.revenue) })),
        held: BigInt(s.held),
        sold: BigInt(s.sold),
        revenue: BigInt(s.revenue),
      };
    },
  };
}
