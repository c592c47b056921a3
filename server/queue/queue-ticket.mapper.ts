import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { QueueState, QueueTicketSchema, type QueueTicket } from "../../gen/concert/v1/queue_pb.js";
import { EntryState } from "./entry-state.js";
import type { Ticket } from "./queue-ticket.js";

const stateOf: Record<Ticket["state"], QueueState> = {
  [EntryState.Waiting]: QueueState.WAITING,
  [EntryState.Active]: QueueState.ACTIVE,
  [EntryState.Expired]: QueueState.EXPIRED,
  [EntryState.BeforeOpen]: QueueState.BEFORE_OPEN,
  [EntryState.SoldOut]: QueueState.SOLD_OUT,
};

export function ticketToProto(t: Ticket): QueueTicket {
  return create(QueueTicketSchema, {
    token: t.token,
    concertId: BigInt(t.concertId),
    state: stateOf[t.state],
    position: BigInt(t.position),
    estimatedWaitSeconds: t.estimatedWaitSeconds === undefined ? undefined : BigInt(t.estimatedWaitSeconds),
    expiresAt: t.expiresAtMs > 0 ? timestampFromMs(t.expiresAtMs) : undefined,
    nextPollAfterMs: t.nextPollAfterMs,
    drawNonce: t.drawNonce,
  });
}
