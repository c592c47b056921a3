import type { ServiceImpl } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { idOf } from "../shared/ids.js";
import type { DeadEvent } from "./dead-events.repository.js";
import type { ListDeadEvents } from "./list-dead-events.js";
import type { EventTopic } from "./outbox-event.js";
import type { ReplayDeadEvents } from "./replay-dead-events.js";
import type { SkipDeadEvents } from "./skip-dead-events.js";

const topicOf = (t: string) => (t === "" ? undefined : (t as EventTopic));

const deadEventOf = (e: DeadEvent) => ({
  id: BigInt(e.id),
  eventId: e.eventId,
  topic: e.topic,
  key: e.key,
  eventType: e.type,
  failures: e.failures,
  lastError: e.lastError,
  createdAt: timestampFromDate(e.createdAt),
  deadAt: timestampFromDate(e.deadAt),
  skippedAt: e.skippedAt ? timestampFromDate(e.skippedAt) : undefined,
  blocked: BigInt(e.blocked),
  payloadBytes: e.payloadBytes,
});

/** AdminService.ListDeadEvents / ReplayDeadEvents / SkipDeadEvents (the auth interceptor checked the admin role). */
export function createOutboxAdminHandler(
  list: ListDeadEvents,
  replay: ReplayDeadEvents,
  skip: SkipDeadEvents,
): Pick<ServiceImpl<typeof AdminService>, "listDeadEvents" | "replayDeadEvents" | "skipDeadEvents"> {
  return {
    async listDeadEvents(req) {
      const r = await list.execute({ topic: topicOf(req.topic), limit: req.limit, afterId: idOf(req.afterId), includeSkipped: req.includeSkipped });
      return { events: r.events.map(deadEventOf), totalDead: BigInt(r.totalDead), nextAfterId: BigInt(r.nextAfterId) };
    },
    async replayDeadEvents(req) {
      const r = await replay.execute({ ids: req.ids.map(idOf), all: req.all, topic: topicOf(req.topic) });
      return { ids: r.ids.map(BigInt), remaining: BigInt(r.remaining) };
    },
    async skipDeadEvents(req) {
      const r = await skip.execute({ ids: req.ids.map(idOf), all: req.all, topic: topicOf(req.topic) });
      return { ids: r.ids.map(BigInt), remaining: BigInt(r.remaining) };
    },
  };
}
