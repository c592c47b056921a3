import { createContextKey } from "@connectrpc/connect";

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
}

export const kQueueToken = createContextKey<QueueTokenContext | undefined>(undefined, { description: "verified queue token" });
