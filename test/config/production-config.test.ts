import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config/config.js";
import { REPOSITORY_SECRETS } from "../../server/config/repository-secrets.generated.js";
// @ts-expect-error plain ESM script without types
import { OUTPUT, render, scanRepositorySecrets } from "../../scripts/repository-secrets.mjs";

const root = join(import.meta.dirname, "..", "..");
const strong = "a".repeat(20) + "-real-production-secret-0123456789";
const composeJwt = /AUTH_JWT_SECRET:\s*\$\{AUTH_JWT_SECRET:-([^}]+)\}/.exec(readFileSync(join(root, "docker-compose.yml"), "utf8"))![1];

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ APP_ENV: "production", ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return "";
}

describe("production configuration (SPEC 7.2)", () => {
  it("refuses a secret published in docker-compose.yml, naming the variable and the file", () => {
    const msg = problemsOf({ AUTH_JWT_SECRET: composeJwt, QUEUE_TOKEN_SECRET: strong });
    expect(msg).toMatch(/AUTH_JWT_SECRET is published in this repository \(docker-compose.yml\)/);
    expect(msg).not.toMatch(/QUEUE_TOKEN_SECRET/);
  });

  it("refuses secrets shorter than 32 bytes, counting bytes not characters", () => {
    // 11 characters of 3 bytes each: 33 bytes, accepted; 31 ASCII bytes refused.
    expect(problemsOf({ AUTH_JWT_SECRET: "한".repeat(11), QUEUE_TOKEN_SECRET: "x".repeat(31) })).toMatch(/^refusing to start: QUEUE_TOKEN_SECRET is 31 bytes/);
  });

  it("refuses CORS_ORIGINS=* (alone or in a list) and names every problem at once", () => {
    const msg = problemsOf({ AUTH_JWT_SECRET: composeJwt, QUEUE_TOKEN_SECRET: "short", CORS_ORIGINS: "https://a.example, *" });
    expect(msg).toMatch(/AUTH_JWT_SECRET is published/);
    expect(msg).toMatch(/QUEUE_TOKEN_SECRET is 5 bytes/);
    expect(msg).toMatch(/CORS_ORIGINS=\*/);
  });

  it("local still allows the dev defaults and '*'", () => {
    expect(loadConfig({ APP_ENV: "local", CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    expect(problemsOf({ AUTH_JWT_SECRET: strong, QUEUE_TOKEN_SECRET: strong + "q", CORS_ORIGINS: "https://a.example" })).toBe("");
  });

  it("the embedded list of published secrets matches the repository's files (regenerate with scripts/repository-secrets.mjs)", () => {
    const scanned = scanRepositorySecrets(root) as Map<string, string[]>;
    expect(readFileSync(join(root, OUTPUT), "utf8")).toBe(render(scanned));
    expect(REPOSITORY_SECRETS.has(composeJwt)).toBe(true);
  });

  it("the server process exits 78 and names each problem", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { ...process.env, APP_ENV: "production", AUTH_JWT_SECRET: composeJwt, QUEUE_TOKEN_SECRET: "too-short", CORS_ORIGINS: "*", WORKERS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code, out).toBe(78);
    expect(out).toMatch(/AUTH_JWT_SECRET is published in this repository/);
    expect(out).toMatch(/QUEUE_TOKEN_SECRET is 9 bytes/);
    expect(out).toMatch(/CORS_ORIGINS=\*/);
  });
});
