import type { HandlerContext } from "@connectrpc/connect";
import { kAuth } from "../rpc/context-keys.js";
import { DomainError } from "../shared/domain-error.js";

/** The user id the auth interceptor proved; these RPCs are never public, so it is always there. */
export function callerOf(ctx: HandlerContext): number {
  const auth = ctx.values.get(kAuth);
  if (!auth) throw new DomainError("UNAUTHENTICATED", "sign in first: send 'authorization: Bearer <JWT>'");
  return auth.userId;
}
