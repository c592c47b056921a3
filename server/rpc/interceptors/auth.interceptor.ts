import type { Interceptor } from "@connectrpc/connect";
import { DomainError } from "../../shared/domain-error.js";
import type { DescMethod } from "@bufbuild/protobuf";
import { accessOf, type Access } from "../access-policy.js";
import { kAuth, type AuthContext } from "../context-keys.js";
import type { JwtVerifier } from "../../identity/jwt-verifier.js";
import { signInFirst } from "../../identity/identity.errors.js";

/**
 * Checks `authorization: Bearer <JWT>` against the access policy (SPEC section 2) and puts the
 * caller into the context. It writes nothing: a user's row is created by their first booking or
 * charge, inside that transaction, so the waiting room never touches MySQL (SPEC 7.1).
 */
export function createAuthInterceptor(verifier: JwtVerifier): Interceptor {
  // Looked up once per RPC rather than by building "<service>/<method>" on every call.
  const accessByMethod = new Map<DescMethod, Access>();
  const authenticate = async (next: Parameters<Interceptor>[0], req: Parameters<ReturnType<Interceptor>>[0], access: Access) => {
    const header = req.header.get("authorization");
    if (!header) {
      throw signInFirst();
    }
    const auth: AuthContext = await verifier.verify(header);
    if (access === "admin" && !auth.isAdmin) {
      throw new DomainError("NOT_ADMIN", "this RPC is for operators: use a JWT with role \"admin\"");
    }
    req.contextValues.set(kAuth, auth);
    return next(req);
  };
  // Not async itself: a public RPC passes straight through without a promise of its own.
  return (next) => (req) => {
    let access = accessByMethod.get(req.method);
    if (access === undefined) accessByMethod.set(req.method, (access = accessOf(req.service.typeName, req.method.name)));
    return access === "public" ? next(req) : authenticate(next, req, access);
  };
}
