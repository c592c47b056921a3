import { webcrypto } from "node:crypto";
import { errors, jwtVerify } from "jose";
import { DomainError } from "../shared/domain-error.js";
import type { AuthContext } from "../rpc/context-keys.js";

const SUB = /^[1-9][0-9]{0,15}$/;

/** Verifies HS256 JWTs signed with AUTH_JWT_SECRET: `sub` is the user id, `exp` is required, `role: "admin"` marks operators. */
export class JwtVerifier {
  /**
   * Imported once: given the raw bytes, jose imports the key into WebCrypto again on every verify,
   * which made verification about 4x slower (bench/, Performance in the README).
   */
  private readonly key: Promise<webcrypto.CryptoKey>;
  /**
   * Tokens already verified, until their `exp`: a fan sends the same JWT with every call of a
   * purchase, and the WebCrypto HMAC check was about a tenth of the server's CPU per purchase
   * (issue 16). Keyed by the whole token, so only a byte-identical, correctly signed token hits.
   */
  private readonly verified = new Map<string, { auth: AuthContext; expMs: number }>();
  constructor(secret: string, private readonly cacheSize = 50_000) {
    this.key = webcrypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  }

  async verify(authorizationHeader: string): Promise<AuthContext> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorizationHeader.trim());
    if (!match) {
      throw new DomainError("UNAUTHENTICATED", "malformed authorization header: send 'authorization: Bearer <JWT>'");
    }
    const token = match[1]!;
    const hit = this.verified.get(token);
    if (hit && Date.now() < hit.expMs) return hit.auth;
    if (hit) this.verified.delete(token);
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] }));
    } catch (e) {
      const expired = e instanceof errors.JWTExpired;
      throw new DomainError(
        "UNAUTHENTICATED",
        expired ? "the JWT has expired: sign in again" : "the JWT is invalid: sign in again to get a fresh one",
        { cause: e },
      );
    }
    // A JSON string of digits only: a number (`"sub": 42`) would pass the pattern once coerced to text.
    const sub: unknown = payload.sub;
    if (typeof sub !== "string" || !SUB.test(sub) || !Number.isSafeInteger(Number(sub))) {
      throw new DomainError("UNAUTHENTICATED", "the JWT's sub must be a JSON string of decimal digits (a positive user id up to 2^53-1)");
    }
    const auth = { userId: Number(sub), isAdmin: payload.role === "admin" };
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { auth, expMs: payload.exp! * 1000 });
    return auth;
  }
}
