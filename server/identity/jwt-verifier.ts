import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "../shared/domain-error.js";
import type { AuthContext } from "../rpc/context-keys.js";

const SUB = /^[1-9][0-9]{0,15}$/;

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Why a token was refused; `expired` gets its own message. */
class Refused extends Error {
  constructor(readonly expired = false) {
    super(expired ? "expired" : "invalid");
  }
}

function jsonSegment(segment: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch {
    throw new Refused();
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Refused();
  return v as Record<string, unknown>;
}

/** Verifies HS256 JWTs signed with AUTH_JWT_SECRET: `sub` is the user id, `exp` is required, `role: "admin"` marks operators. */
export class JwtVerifier {
  private readonly secret: Buffer;
  /**
   * Tokens already verified, until their `exp`: a fan sends the same JWT with every call of a
   * purchase (issue 16). Keyed by the whole token, so only a byte-identical, correctly signed token hits.
   */
  private readonly verified = new Map<string, { auth: AuthContext; expMs: number }>();
  constructor(secret: string, private readonly cacheSize = 50_000) {
    this.secret = Buffer.from(secret, "utf8");
  }

  async verify(authorizationHeader: string): Promise<AuthContext> {
    return this.verifySync(authorizationHeader);
  }

  /**
   * The checks jose's jwtVerify made here (algorithms ["HS256"], required exp and sub, nbf and iat
   * numeric, no `crit` header), with node:crypto's HMAC instead of WebCrypto's: each WebCrypto verify
   * is a job with its own promise and WebIDL conversions, and was the largest single cost of opening
   * a WatchQueueStatus stream for a fan not seen before (docs/wave2/watchers.md).
   * test/rpc/jwt-verifier.fast.test.ts holds it to jose's answers.
   */
  verifySync(authorizationHeader: string): AuthContext {
    const match = /^Bearer\s+(\S+)$/i.exec(authorizationHeader.trim());
    if (!match) {
      throw new DomainError("UNAUTHENTICATED", "malformed authorization header: send 'authorization: Bearer <JWT>'");
    }
    const token = match[1]!;
    const hit = this.verified.get(token);
    if (hit && Date.now() < hit.expMs) return hit.auth;
    if (hit) this.verified.delete(token);
    let payload: Record<string, unknown>;
    try {
      payload = this.check(token);
    } catch (e) {
      const expired = e instanceof Refused && e.expired;
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
    this.verified.set(token, { auth, expMs: (payload.exp as number) * 1000 });
    return auth;
  }

  /** The payload of a well-formed, correctly signed, current HS256 JWT; throws Refused otherwise. */
  private check(token: string): Record<string, unknown> {
    const parts = token.split(".");
    if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new Refused();
    const [h64, p64, s64] = parts as [string, string, string];
    const header = jsonSegment(h64);
    if (header.alg !== "HS256" || header.crit !== undefined) throw new Refused();
    const expected = createHmac("sha256", this.secret).update(`${h64}.${p64}`).digest();
    const signature = Buffer.from(s64, "base64url");
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new Refused();
    const payload = jsonSegment(p64);
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp)) throw new Refused();
    if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf > now)) throw new Refused();
    if (payload.iat !== undefined && typeof payload.iat !== "number") throw new Refused();
    if (payload.sub === undefined) throw new Refused();
    if (payload.exp <= now) throw new Refused(true);
    return payload;
  }
}
