import { REPOSITORY_SECRETS } from "./repository-secrets.generated.js";

type Env = Record<string, string | undefined>;

const SECRETS = ["AUTH_JWT_SECRET", "QUEUE_TOKEN_SECRET"] as const;
const MIN_SECRET_BYTES = 32;

/**
 * SPEC 7.2: what production refuses beyond a missing secret. A secret published in the repository
 * (README, docker-compose, examples) lets anyone who read it mint tokens; one under 32 bytes can be
 * brute-forced offline from a single JWT; `CORS_ORIGINS=*` lets any web page call with a user's token.
 *
 * The published values are a list generated from the repository's files (scripts/repository-secrets.mjs)
 * rather than a scan at start-up: the image need not carry README or docker-compose, a scan would depend
 * on the working directory, and a test keeps the list in step with the files.
 */
export function productionProblems(env: Env, devDefaults: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const name of SECRETS) {
    const value = env[name];
    if (!value || devDefaults.includes(value)) continue; // reported as missing or as the dev default by loadConfig
    const where = REPOSITORY_SECRETS.get(value);
    if (where) problems.push(`${name} is published in this repository (${where}); generate a new one, e.g. \`openssl rand -base64 48\``);
    else if (Buffer.byteLength(value, "utf8") < MIN_SECRET_BYTES) {
      problems.push(`${name} is ${Buffer.byteLength(value, "utf8")} bytes; production needs at least ${MIN_SECRET_BYTES} random bytes`);
    }
  }
  const cors = (env.CORS_ORIGINS ?? "").split(",").map((s) => s.trim());
  if (cors.includes("*")) problems.push("CORS_ORIGINS=* lets any web origin call with your users' tokens; list your web app's origins instead");
  return problems;
}
