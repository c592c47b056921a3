import type { HandlerContext } from "@connectrpc/connect";
import { kAuth } from "./context-keys.js";
import { signInFirst } from "../identity/identity.errors.js";

/** The user id the auth interceptor proved; these RPCs are never public, so it is always there. */
export function callerOf(ctx: HandlerContext): number {
  const auth = ctx.values.get(kAuth);
  if (!auth) throw signInFirst();
  return auth.userId;
}
