import type { Interceptor } from "@connectrpc/connect";
import { DomainError } from "../../shared/domain-error.js";
import { accessOf } from "../access-policy.js";
import { kAuth, type AuthContext } from "../context-keys.js";
import type { JwtVerifier } from "../../identity/jwt-verifier.js";
import type { UserDirectory } from "../../identity/user-directory.js";
import { signInFirst } from "../../identity/identity.errors.js";

/**
 * Checks `authorization: Bearer <JWT>` against the access policy (SPEC section 2) and puts the
 * caller into the context. Users are created on first sight.
 */
export function createAuthInterceptor(verifier: JwtVerifier, users: UserDirectory): Interceptor {
  return (next) => async (req) => {
    const access = accessOf(req.service.typeName, req.method.name);
    const header = req.header.get("authorization");
    if (access === "public") return next(req);
    if (!header) {
      throw signInFirst();
    }
    const auth: AuthContext = await verifier.verify(header);
    if (access === "admin" && !auth.isAdmin) {
      throw new DomainError("NOT_ADMIN", "this RPC is for operators: use a JWT with role \"admin\"");
    }
    await users.ensure(auth.userId);
    req.contextValues.set(kAuth, auth);
    return next(req);
  };
}
