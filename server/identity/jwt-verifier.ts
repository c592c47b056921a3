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
  constructor(secret: string) {
    this.key = webcrypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  }

  async verify(authorizationHeader: string): Promise<AuthContext> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorizationHeader.trim());
    if (!match) {
      throw new DomainError("UNAUTHENTICATED", "malformed authorization header: send 'authorization: Bearer <JWT>'");
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1], await this.key, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] }));
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
    return { userId: Number(sub), isAdmin: payload.role === "admin" };
  }
}
