import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { jwtVerify, SignJWT } from "jose";
import { JwtVerifier } from "../../server/identity/jwt-verifier.js";

/**
 * JwtVerifier checks HS256 tokens with node:crypto instead of jose's WebCrypto path (cheaper per new
 * token: docs/wave2/watchers.md). It must accept and refuse exactly what jose's jwtVerify with the old
 * options did (algorithms ["HS256"], required exp and sub), and tell an expired token apart.
 */
const SECRET = "a-test-secret-that-is-long-enough-123";
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
/** A token with any header and payload, signed (or not) as given. */
function hand(header: unknown, payload: unknown, alg: "sha256" | "sha512" | "none" = "sha256", secret = SECRET): string {
  const signing = `${b64(header)}.${b64(payload)}`;
  const sig = alg === "none" ? "" : createHmac(alg, secret).update(signing).digest("base64url");
  return `${signing}.${sig}`;
}

async function joseSays(token: string): Promise<string> {
  try {
    await jwtVerify(token, key, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] });
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code === "ERR_JWT_EXPIRED" ? "expired" : "refused";
  }
}

async function oursSays(token: string): Promise<string> {
  try {
    await new JwtVerifier(SECRET).verify(`Bearer ${token}`);
    return "ok";
  } catch (e) {
    const m = (e as Error).message;
    // The sub rule is ours alone (jose accepts any sub): compare the signature and claims verdict.
    if (/sub must be/.test(m)) return "ok";
    return /expired/.test(m) ? "expired" : "refused";
  }
}

describe("JwtVerifier (node:crypto HS256)", () => {
  it("accepts and refuses exactly the tokens jose's jwtVerify does", async () => {
    const good = { sub: "42", exp: now() + 600, iat: now() };
    const signed = await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).setSubject("7").setIssuedAt().setExpirationTime("1h").sign(key);
    const [h, p, s] = signed.split(".");
    const cases: Record<string, string> = {
      "signed by jose": signed,
      good: hand({ alg: "HS256", typ: "JWT" }, good),
      "expired": hand({ alg: "HS256" }, { ...good, exp: now() - 5 }),
      "exp now": hand({ alg: "HS256" }, { ...good, exp: now() }),
      "nbf in the future": hand({ alg: "HS256" }, { ...good, nbf: now() + 600 }),
      "nbf past": hand({ alg: "HS256" }, { ...good, nbf: now() - 600 }),
      "nbf a string": hand({ alg: "HS256" }, { ...good, nbf: "soon" }),
      "iat a string": hand({ alg: "HS256" }, { ...good, iat: "then" }),
      "no exp": hand({ alg: "HS256" }, { sub: "42" }),
      "exp a string": hand({ alg: "HS256" }, { ...good, exp: String(now() + 600) }),
      "no sub": hand({ alg: "HS256" }, { exp: now() + 600 }),
      "sub a number": hand({ alg: "HS256" }, { ...good, sub: 42 }),
      "wrong secret": hand({ alg: "HS256" }, good, "sha256", "another-secret-entirely-another-secret"),
      "alg none": hand({ alg: "none" }, good, "none"),
      "alg HS512": hand({ alg: "HS512" }, good, "sha512"),
      "alg HS256 signed with sha512": hand({ alg: "HS256" }, good, "sha512"),
      "crit header": hand({ alg: "HS256", crit: ["exp"] }, good),
      "b64 without crit": hand({ alg: "HS256", b64: false }, good),
      "payload not an object": hand({ alg: "HS256" }, [1, 2]),
      "payload not JSON": hand({ alg: "HS256" }, "not json"),
      "header not JSON": `${b64("{nope")}.${p}.${s}`,
      "tampered payload": `${h}.${b64({ sub: "8", exp: now() + 600 })}.${s}`,
      "tampered signature": `${h}.${p}.${s!.slice(0, -2)}AA`,
      "short signature": `${h}.${p}.${s!.slice(0, 10)}`,
      "four parts": `${signed}.x`,
      "two parts": `${h}.${p}`,
      "empty signature": `${h}.${p}.`,
      "garbage": "not-a-jwt",
    };
    const verdicts: Record<string, [string, string]> = {};
    for (const [name, token] of Object.entries(cases)) verdicts[name] = [await joseSays(token), await oursSays(token)];
    for (const [name, [jose, ours]] of Object.entries(verdicts)) expect(ours, name).toBe(jose);
    expect(verdicts.good).toEqual(["ok", "ok"]);
    expect(verdicts.expired).toEqual(["expired", "expired"]);
    expect(verdicts["wrong secret"]).toEqual(["refused", "refused"]);
  });

  it("keeps the service's own rules: sub a string of digits, role admin, and the cache hit for the same token", async () => {
    const v = new JwtVerifier(SECRET);
    const admin = await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).setSubject("7").setExpirationTime("1h").sign(key);
    expect(await v.verify(`Bearer ${admin}`)).toEqual({ userId: 7, isAdmin: true });
    expect(await v.verify(`bearer   ${admin}`)).toEqual({ userId: 7, isAdmin: true });
    await expect(v.verify(`Bearer ${hand({ alg: "HS256" }, { sub: 42, exp: now() + 60 })}`)).rejects.toThrow(/sub must be/);
    await expect(v.verify(`Bearer ${hand({ alg: "HS256" }, { sub: "0x2a", exp: now() + 60 })}`)).rejects.toThrow(/sub must be/);
    await expect(v.verify("Basic abc")).rejects.toThrow(/malformed authorization header/);
  });
});
