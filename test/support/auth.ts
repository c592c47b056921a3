import { SignJWT } from "jose";
import { DEV_AUTH_JWT_SECRET } from "../../server/config/config.js";

/** A signed user JWT as a client would send it. */
export async function jwtFor(userId: number | string, opts: { admin?: boolean; expiresIn?: string | number; secret?: string } = {}): Promise<string> {
  const claims: Record<string, unknown> = opts.admin ? { role: "admin" } : {};
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? "1h")
    .sign(new TextEncoder().encode(opts.secret ?? DEV_AUTH_JWT_SECRET));
}

export const bearer = async (userId: number | string, opts: Parameters<typeof jwtFor>[1] = {}) => ({
  authorization: `Bearer ${await jwtFor(userId, opts)}`,
});
