import type { ServiceImpl } from "@connectrpc/connect";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "../../gen/concert/v1/admin_pb.js";
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
      };
    },
    async listQueue(req) {
      const entries = await d.listQueue.execute(idOf(req.concertId), req.offset, req.limit);
      return {
        entries: entries.map((e) => ({ userId: BigInt(e.userId), position: BigInt(e.position), enteredAt: timestampFromMs(e.enteredAtMs) })),
      };
    },
    async setQueuePolicy(req) {
      return { maxActive: await d.setQueuePolicy.execute(idOf(req.concertId), req.maxActive) };
    },
    async removeFromQueue(req) {
      await d.removeFromQueue.execute(idOf(req.concertId), idOf(req.userId));
      return {};
    },
  };
}
