import { SignJWT } from "jose";
import { DEV_AUTH_JWT_SECRET } from "../../server/config/config.js";
import { cliConfig, type CliConfig } from "../config.js";
import { CliError } from "./cli-error.js";

export interface MintedToken {
  token: string;
  sub: string;
  admin: boolean;
  expiresAt: Date;
  /** True when no AUTH_JWT_SECRET was set and the local dev secret was used. */
  devSecret: boolean;
}

/**
 * Signs a user JWT the way the server verifies it (SPEC section 2: HS256, sub, exp, role "admin").
 * Meant for local and development servers only: with APP_ENV=production it refuses, because a
 * token minted from a shell there would bypass whatever issues real operator identities.
 */
export async function mintToken(
  input: { userId: bigint; admin: boolean; ttlSeconds: number },
  config: Pick<CliConfig, "appEnv" | "authJwtSecret"> = cliConfig(),
  now = new Date(),
): Promise<MintedToken> {
  if (config.appEnv === "production") {
    throw new CliError("refusing to mint a token with APP_ENV=production: get an operator token from your identity provider instead");
  }
  const secret = config.authJwtSecret || DEV_AUTH_JWT_SECRET;
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + input.ttlSeconds;
  const token = await new SignJWT(input.admin ? { role: "admin" } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(input.userId.toString())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
  return { token, sub: input.userId.toString(), admin: input.admin, expiresAt: new Date(exp * 1000), devSecret: !config.authJwtSecret };
}
