import type { ServiceImpl } from "@connectrpc/connect";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { AdmissionMode, type AdminService } from "../../gen/concert/v1/admin_pb.js";
import { idOf } from "../shared/ids.js";
import type { GetQueueStats } from "./get-queue-stats.js";
import type { ListQueue } from "./list-queue.js";
import type { RemoveFromQueue } from "./remove-from-queue.js";
import type { SetQueuePolicy } from "./set-queue-policy.js";

export interface QueueAdminHandlerDeps {
  getQueueStats: GetQueueStats;
  listQueue: ListQueue;
  setQueuePolicy: SetQueuePolicy;
  removeFromQueue: RemoveFromQueue;
}

/** The operators' queue RPCs of AdminService (admin-only by the access policy). */
export function createQueueAdminHandler(
  d: QueueAdminHandlerDeps,
): Pick<ServiceImpl<typeof AdminService>, "getQueueStats" | "listQueue" | "setQueuePolicy" | "removeFromQueue"> {
  return {
    async getQueueStats(req) {
      const s = await d.getQueueStats.execute(idOf(req.concertId));
      return {
        waiting: BigInt(s.waiting),
        active: BigInt(s.active),
        maxActive: s.maxActive,
        admittedTotal: BigInt(s.admittedTotal),
        admissionRatePerSecond: s.admissionRatePerSecond,
        mode: s.auto ? AdmissionMode.AUTO : AdmissionMode.MANUAL,
        effectiveMaxActive: s.effectiveMaxActive,
        seatsFree: BigInt(s.inventory.free),
        seatsHeld: BigInt(s.inventory.held),
        seatsSold: BigInt(s.inventory.sold),
        seatsPerAdmittedFan: s.seatsPerAdmittedFan,
        soldOut: s.soldOut,
      };
    },
    async listQueue(req) {
      const entries = await d.listQueue.execute(idOf(req.concertId), req.offset, req.limit);
      return {
        entries: entries.map((e) => ({ userId: BigInt(e.userId), position: BigInt(e.position), enteredAt: timestampFromMs(e.enteredAtMs) })),
      };
    },
    async setQueuePolicy(req) {
      const auto = req.mode === AdmissionMode.AUTO;
      return { maxActive: await d.setQueuePolicy.execute(idOf(req.concertId), req.maxActive, auto), mode: auto ? AdmissionMode.AUTO : AdmissionMode.MANUAL };
    },
    async removeFromQueue(req) {
      await d.removeFromQueue.execute(idOf(req.concertId), idOf(req.userId));
      return {};
    },
  };
}
