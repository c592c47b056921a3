import type { Interceptor, StreamRequest, UnaryRequest } from "@connectrpc/connect";
import type { QueueTokenContext } from "../rpc/context-keys.js";
import type { DescMethod } from "@bufbuild/protobuf";
import { kAuth, kQueueToken, kReplayCheck, kTokenWaiver } from "../rpc/context-keys.js";
import { idOf } from "../shared/ids.js";
import type { ConcertLookup } from "./concert-lookup.js";
import { EntryState } from "./entry-state.js";
import {
  queueTokenExpired, queueTokenMissing, queueTokenOfAnotherConcert, queueTokenOfAnotherUser,
  queueTokenTampered, queueTokenUnknown, queueTokenWaiting, queueTokenBeforeOpen, queueTokenSoldOut,
} from "./queue.errors.js";
import type { QueueTokenSigner } from "./queue-token.js";
import type { QueueStore } from "./queue.store.js";
import { signInFirst } from "../identity/identity.errors.js";

type Message = Record<string, unknown>;
type UnaryOrStreamRequest = UnaryRequest | StreamRequest;
/** Finds the concert a booking request concerns; undefined when its row does not exist (the handler answers NOT_FOUND). */
type ConcertOf = (m: Message, lookup: ConcertLookup) => Promise<number | undefined>;

const byField = (field: string, resolve: (id: number, l: ConcertLookup) => Promise<number | undefined>): ConcertOf =>
  (m, l) => resolve(idOf(m[field] as bigint), l);

/** SPEC section 2: RPCs that need an ACTIVE token for the concert concerned. */
const NEEDS_ACTIVE: Record<string, ConcertOf> = {
  "concert.v1.ConcertService/ListSchedules": async (m) => idOf(m.concertId as bigint),
  "concert.v1.ConcertService/ListSeats": byField("scheduleId", (id, l) => l.concertOfSchedule(id)),
  "concert.v1.ReservationService/HoldSeats": byField("scheduleId", (id, l) => l.concertOfSchedule(id)),
  "concert.v1.ReservationService/CancelReservation": byField("reservationId", (id, l) => l.concertOfReservation(id)),
  "concert.v1.PaymentService/Pay": byField("reservationId", (id, l) => l.concertOfReservation(id)),
};

/** RPCs that accept a token in any state (they report or end it). */
const NEEDS_ANY = new Set([
  "concert.v1.QueueService/GetQueueStatus",
  "concert.v1.QueueService/WatchQueueStatus",
  "concert.v1.QueueService/LeaveQueue",
]);

/**
 * The queue-token check (runs after auth and validation). Signature and binding are checked with the
 * secret alone; the state comes from one read-only Redis script. Codes follow SPEC's error table:
 * missing, tampered, unknown or expired -> UNAUTHENTICATED; another user's or concert's, or still
 * WAITING -> PERMISSION_DENIED. An ended token still passes for a request that only replays a stored
 * result (a retried Pay), so the retry gets its first answer as SPEC promises. A booking request the
 * owning module waives (kTokenWaiver: a waiting-list offer, a late payment) passes with no token at all.
 */
export function createQueueTokenInterceptor(signer: QueueTokenSigner, store: QueueStore, lookup: ConcertLookup): Interceptor {
  // RPCs found to need no token are remembered, so most calls skip building "<service>/<method>".
  const exempt = new Set<DescMethod>();
  const check: Interceptor = (next) => async (req) => {
    const rpc = `${req.service.typeName}/${req.method.name}`;
    const concertOf = NEEDS_ACTIVE[rpc];
    if (!concertOf && !NEEDS_ANY.has(rpc)) {
      exempt.add(req.method);
      return next(req);
    }
    const auth = req.contextValues.get(kAuth);
    if (!auth) throw signInFirst();
    const waiver = concertOf !== undefined && !req.stream ? req.contextValues.get(kTokenWaiver) : undefined;
    let verified: QueueTokenContext;
    try {
      verified = await verify(req, auth.userId, concertOf);
    } catch (e) {
      // Asked only when the token would be refused, so a normal booking pays nothing for the rule.
      if (waiver && (await waiver())) return next(req);
      throw e;
    }
    req.contextValues.set(kQueueToken, verified);
    return next(req);
  };
  const verify = async (req: UnaryOrStreamRequest, userId: number, concertOf: ConcertOf | undefined): Promise<QueueTokenContext> => {
    const token = req.header.get("x-queue-token")?.trim();
    if (!token) throw queueTokenMissing();
    const claims = signer.verify(token);
    if (!claims) throw queueTokenTampered();
    if (claims.userId !== userId) throw queueTokenOfAnotherUser();
    if (concertOf !== undefined) {
      // A request for a row that does not exist skips the match so the handler's NOT_FOUND is what the
      // caller sees; the caller still needs a live ACTIVE token of their own.
      const concertId = req.stream ? undefined : await concertOf(req.message as unknown as Message, lookup);
      if (concertId !== undefined && concertId !== claims.concertId) throw queueTokenOfAnotherConcert(claims.concertId, concertId);
    }
    const status = await store.status(claims.concertId, claims.userId, claims.entryId);
    if (status.state === EntryState.Unknown) throw queueTokenUnknown();
    if (concertOf !== undefined) {
      if (status.state === EntryState.Expired) {
        const replay = req.contextValues.get(kReplayCheck);
        const isReplay = !req.stream && replay ? await replay() : false;
        if (!isReplay) throw queueTokenExpired();
      }
      if (status.state === EntryState.Waiting) throw queueTokenWaiting(status.position);
      if (status.state === EntryState.BeforeOpen) throw queueTokenBeforeOpen();
      if (status.state === EntryState.SoldOut) throw queueTokenSoldOut();
    }
    return { token, ...claims, status };
  };
  // Not async itself: an RPC that needs no token passes straight through without a promise of its own.
  return (next) => {
    const checked = check(next);
    return (req) => (exempt.has(req.method) ? next(req) : checked(req));
  };
}
