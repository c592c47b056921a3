import { createContextKey } from "@connectrpc/connect";
import type { EntryStatus } from "../queue/queue.store.js";

/** Who is calling, as proven by the JWT; undefined on public RPCs called without one. */
export interface AuthContext {
  userId: number;
  isAdmin: boolean;
}

export const kAuth = createContextKey<AuthContext | undefined>(undefined, { description: "authenticated caller" });

/** The caller's verified queue token (set by the queue-token interceptor on queue and booking RPCs). */
export interface QueueTokenContext {
  token: string;
  concertId: number;
  userId: number;
  entryId: number;
  /** The entry's state as the check read it for this request: GetQueueStatus answers with it rather than read it again (absent: it reads). */
  status?: EntryStatus;
}

export const kQueueToken = createContextKey<QueueTokenContext | undefined>(undefined, { description: "verified queue token" });

/**
 * Set by a module whose RPC can replay a stored result (Pay): asks, only when needed, whether this
 * request merely replays one. The queue-token check lets such a request through with an ended token.
 */
export type ReplayCheck = () => Promise<boolean>;

export const kReplayCheck = createContextKey<ReplayCheck | undefined>(undefined, { description: "stored-result replay check" });

/**
 * Set by the module that owns a booking request's resource: asks, only when the queue-token check would
 * refuse the request, whether it needs no queue token at all (a waiting-list offer, a late payment: the
 * reservation module decides). The queue module knows nothing of why.
 */
export type TokenWaiver = () => Promise<boolean>;

export const kTokenWaiver = createContextKey<TokenWaiver | undefined>(undefined, { description: "queue-token waiver" });
