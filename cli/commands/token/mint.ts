import type { Command } from "commander";
import { duration, positiveId } from "../../services/flag-parsers.js";
import { printJson } from "../../services/output.js";
import { mintToken } from "../../services/token-minter.js";
import { examples, withJson } from "../command-helpers.js";

export function register(parent: Command): void {
  const cmd = parent
    .command("mint")
    .description("sign a user JWT with AUTH_JWT_SECRET (the local dev secret when unset) for local use; refused with APP_ENV=production")
    .requiredOption("--user <id>", "user id (the JWT's sub)", positiveId)
    .option("--admin", 'add role "admin" (operator)')
    .option("--ttl <duration>", "lifetime such as 30m, 1h, 7d", duration, 3600);
  withJson(cmd);
  examples(cmd, "export CONCERT_ADMIN_TOKEN=$(concert-admin token mint --user 1 --admin)", "concert-admin token mint --user 42 --ttl 30m --json");
  cmd.action(async (opts: { user: bigint; admin?: boolean; ttl: number; json?: boolean }) => {
    const t = await mintToken({ userId: opts.user, admin: !!opts.admin, ttlSeconds: opts.ttl });
    if (opts.json) printJson({ token: t.token, sub: t.sub, role: t.admin ? "admin" : "user", expiresAt: t.expiresAt.toISOString() });
    // Just the token on stdout, so $(...) captures it; the caveat goes to stderr.
    else process.stdout.write(`${t.token}\n`);
    if (t.devSecret && process.stderr.isTTY) process.stderr.write("concert-admin: signed with the local dev secret (AUTH_JWT_SECRET is unset)\n");
  });
}
