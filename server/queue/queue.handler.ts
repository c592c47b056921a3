import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { kAuth, kQueueToken, type QueueTokenContext } from "../rpc/context-keys.js";
import { DomainError } from "../shared/domain-error.js";
import { idOf } from "../shared/ids.js";
import type { EndEntry } from "./end-entry.js";
import type { GetQueueStatus } from "./get-queue-status.js";
import type { IssueToken } from "./issue-token.js";
import type { QueueWatchHub } from "./queue-watch.hub.js";
import { ticketToProto } from "./queue-ticket.mapper.js";
import type { WatcherQuota } from "./watcher-quota.js";

export interface QueueHandlerDeps {
  issueToken: IssueToken;
  getQueueStatus: GetQueueStatus;
  endEntry: EndEntry;
  hub: QueueWatchHub;
  watchers: WatcherQuota;
}

/** The queue-token interceptor guarantees the token for these RPCs; this is a wiring safeguard. */
function tokenOf(ctx: HandlerContext): QueueTokenContext {
  const t = ctx.values.get(kQueueToken);
  if (!t) throw new DomainError("QUEUE_TOKEN_INVALID", "send the token from IssueToken as 'x-queue-token'");
  return t;
}

/** QueueService: thin translation between protobuf and the waiting-room use cases. */
export function createQueueHandler(d: QueueHandlerDeps): ServiceImpl<typeof QueueService> {
  return {
    async issueToken(req, ctx) {
      const auth = ctx.values.get(kAuth)!;
      return { ticket: ticketToProto(await d.issueToken.execute(idOf(req.concertId), auth.userId)) };
    },
    async getQueueStatus(_req, ctx) {
      const t = tokenOf(ctx);
      return { ticket: ticketToProto(await d.getQueueStatus.execute(t.token, t, t.status)) };
    },
    async *watchQueueStatus(_req, ctx) {
      const t = tokenOf(ctx);
      const release = d.watchers.acquire(t.userId);
      try {
        for await (const ticket of d.hub.watch(t.token, t, ctx.signal)) yield { ticket: ticketToProto(ticket) };
      } finally {
        release();
      }
    },
    async leaveQueue(_req, ctx) {
      const t = tokenOf(ctx);
      // Leaving with a token that already ended is a no-op: the caller's goal is met.
      await d.endEntry.execute(t.concertId, t.userId, "left", t.entryId);
      return {};
    },
  };
}
