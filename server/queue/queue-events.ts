import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DrawCompletedSchema, QueueSoldOutSchema, TokenActivatedSchema, TokenExpiredSchema, TokenIssuedSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent, type OutboxEvent } from "../outbox/outbox-event.js";

/** Why a token ended (TokenExpired.reason). */
export type EndReason = "ttl" | "left" | "removed" | "paid";

/** Port: where queue-events go. Fire and forget: the waiting room never waits on Kafka. */
export interface QueueEventSink {
  publish(events: OutboxEvent[]): void;
}

const key = (concertId: number, userId: number) => `${concertId}:${userId}`;

export const tokenIssued = (concertId: number, userId: number, position: number) =>
  outboxEvent("queue-events", key(concertId, userId), TokenIssuedSchema, {
    concertId: BigInt(concertId), userId: BigInt(userId), position: BigInt(position), occurredAt: timestampFromMs(Date.now()),
  });

export const tokenActivated = (concertId: number, userId: number, expiresAtMs: number) =>
  outboxEvent("queue-events", key(concertId, userId), TokenActivatedSchema, {
    concertId: BigInt(concertId), userId: BigInt(userId), expiresAt: timestampFromMs(expiresAtMs), occurredAt: timestampFromMs(Date.now()),
  });

export const tokenExpired = (concertId: number, userId: number, reason: EndReason) =>
  outboxEvent("queue-events", key(concertId, userId), TokenExpiredSchema, {
    concertId: BigInt(concertId), userId: BigInt(userId), reason, occurredAt: timestampFromMs(Date.now()),
  });

/** Concert-wide transitions are keyed "concertId:draw" / "concertId:sold-out" (one partition per concert's kind). */
export const drawCompleted = (concertId: number, entrants: number, salesOpenAtMs: number, commitment: string) =>
  outboxEvent("queue-events", `${concertId}:draw`, DrawCompletedSchema, {
    concertId: BigInt(concertId), entrants: BigInt(entrants), salesOpenAt: timestampFromMs(salesOpenAtMs),
    fairnessCommitment: commitment, occurredAt: timestampFromMs(Date.now()),
  });

export const queueSoldOut = (concertId: number, waiting: number) =>
  outboxEvent("queue-events", `${concertId}:sold-out`, QueueSoldOutSchema, {
    concertId: BigInt(concertId), waiting: BigInt(waiting), occurredAt: timestampFromMs(Date.now()),
  });
