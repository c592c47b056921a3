import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitmentOf } from "../../server/queue/draw.js";
import { newDrawSecret } from "../../server/concert/draw-secret.js";
import { concertQueueKeys } from "../../server/queue/queue-keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { testRedis } from "../support/redis.js";
import { issue, waitFor } from "../queue/queue-helpers.js";
import { getDraw, scheduledConcert, sleepUntil } from "../queue/fair-helpers.js";
import { runCli } from "./cli-process.js";
import { jwtFor } from "../support/auth.js";

let server: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  env = { CONCERT_SERVER: server.url }; // GetDraw is public: no token
});
afterAll(() => server?.close());

const FANS = [11, 12, 13, 14, 15];

/** A concert whose draw ran, with each fan's nonce. */
async function drawnConcert() {
  const opensAt = Date.now() + 6_000;
  const { concertId, commitment } = await scheduledConcert(server.url, opensAt);
  const nonces = new Map<number, string>();
  for (const u of FANS) nonces.set(u, (await issue(server.url, concertId, u)).drawNonce);
  expect([...nonces.values()].every((n) => /^[0-9a-f]{32}$/.test(n)), "every fan entered before the opening").toBe(true);
  await sleepUntil(opensAt);
  await waitFor(async () => (await getDraw(server.url, concertId)).seed !== "", 2_000, "the draw");
  return { concertId, commitment, nonces };
}

describe("concert-admin draw verify", () => {
  it("verifies the commitment and a fan's place from GetDraw alone (plain text and --json), exit 0", async () => {
    const { concertId, commitment, nonces } = await drawnConcert();
    const plain = await runCli(["draw", "verify", String(concertId), "--user", "13", "--nonce", nonces.get(13)!, "--commitment", commitment], env);
    expect(plain.stderr).toBe("");
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/verdict\s+verified/);
    expect(plain.stdout, plain.stdout).toMatch(/your place\s+\d of 5/);

    const json = await runCli(["draw", "verify", String(concertId), "--user", "13", "--nonce", nonces.get(13)!, "--json"], env);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as { ok: boolean; position: number; entrants: number };
    expect(r).toMatchObject({ ok: true, entrants: 5 });
    expect(r.position).toBeGreaterThanOrEqual(1);
  });

  it("detects a seed changed after the commitment was published (non-zero exit), and a replaced commitment too", async () => {
    const { concertId, commitment, nonces } = await drawnConcert();
    const redis = testRedis(server.config.redisKeyPrefix);
    try {
      const key = concertQueueKeys(concertId).opening;
      // An operator swaps the seed after the commitment was published.
      const other = newDrawSecret();
      await redis.hset(key, "seed", other.seed);
      const swapped = await runCli(["draw", "verify", String(concertId), "--user", "12", "--nonce", nonces.get(12)!], env);
      expect(swapped.code).not.toBe(0);
      expect(swapped.stdout).toMatch(/MISMATCH/);
      expect(swapped.stderr).toMatch(/does not verify/);
      // ...and the commitment with it: only a fan who recorded the commitment (or their own key) notices.
      await redis.hset(key, "commitment", commitmentOf(other.seed));
      const replaced = await runCli(["draw", "verify", String(concertId), "--commitment", commitment], env);
      expect(replaced.code).not.toBe(0);
      expect(replaced.stderr).toMatch(/not the one you recorded/);
      const fan = await runCli(["draw", "verify", String(concertId), "--user", "12", "--nonce", nonces.get(12)!, "--json"], env);
      expect(fan.code).not.toBe(0);
      expect(JSON.parse(fan.stdout)).toMatchObject({ ok: false, position: 0 });
    } finally {
      redis.disconnect();
    }
  });

  it("queue policy --mode auto and queue stats show the mode, the seats and the slots in force", async () => {
    const { concertId } = await scheduledConcert(server.url, Date.now() - 1_000, 7);
    const admin = { ...env, CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }) };
    const policy = await runCli(["queue", "policy", String(concertId), "--max-active", "5", "--mode", "auto"], admin);
    expect(policy.stderr).toBe("");
    expect(policy.stdout).toMatch(/AUTO/);
    const stats = await runCli(["queue", "stats", String(concertId)], admin);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/mode\s+auto/);
    expect(stats.stdout).toMatch(/seats\s+7 free, 0 held, 0 sold/);
    const json = JSON.parse((await runCli(["queue", "stats", String(concertId), "--json"], admin)).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ mode: "ADMISSION_MODE_AUTO", maxActive: 5, effectiveMaxActive: 5, seatsFree: "7" });
    const bad = await runCli(["queue", "policy", String(concertId), "--max-active", "5", "--mode", "fifo"], admin);
    expect(bad.code).toBe(2);
  });

  it("concerts create --opens-at schedules the opening and shows the commitment; update --opens-at checks the instant", async () => {
    const admin = { ...env, CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }) };
    const at = new Date(Date.now() + 3_600_000);
    const created = await runCli(["concerts", "create", "--title", "T", "--artist", "A", "--venue", "V", "--opens-at", at.toISOString(), "--json"], admin);
    expect(created.stderr).toBe("");
    const c = JSON.parse(created.stdout) as { id: string; salesOpenAt: string; fairnessCommitment: string };
    expect(Date.parse(c.salesOpenAt)).toBe(at.getTime());
    expect(c.fairnessCommitment).toMatch(/^[0-9a-f]{64}$/);
    const shown = await runCli(["concerts", "update", c.id, "--open-now"], admin);
    expect(shown.stdout).toMatch(/sales open\s+now/);
    expect(shown.stdout).toContain(c.fairnessCommitment);
    const bad = await runCli(["concerts", "update", c.id, "--opens-at", "tomorrow"], admin);
    expect(bad.code).toBe(2);
  });

  it("refuses --user without --nonce (usage, exit 2)", async () => {
    const r = await runCli(["draw", "verify", "1", "--user", "5"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--user and --nonce go together/);
  });
});
