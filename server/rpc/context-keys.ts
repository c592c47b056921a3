import { createContextKey } from "@connectrpc/connect";

/** Who is calling, as proven by the JWT; undefined on public RPCs called without one. */
export interface AuthContext {
  userId: number;
  isAdmin: boolean;
}

export const kAuth = createContextKey<AuthContext | undefined>(undefined, { description: "authenticated caller" });
