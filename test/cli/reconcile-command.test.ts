import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seatHoldKey } from "../../server/seats/seat-keys.js";
import { jwtFor } from "../support/auth.js";
import { seedConcert } from "../support/booking-api.js";
import { testRedis } from "../support/redis.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { runCli } from "./cli-process.js";

let server: TestServer;
let redis: Redis;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  redis = testRedis(server.config.redisKeyPrefix);
  env = { CONCERT_SERVER: server.url, CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }) };
});

afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

describe("concert-admin reconcile", () => {
  it("--json prints the drifts as protobuf JSON; drift without --repair exits 6; --repair fixes them (exit 0); plain lines for pipes; unknown schedule exits 5", async () => {
    const { scheduleId } = await seedConcert(server.url);
    const clean = await runCli(["reconcile", String(scheduleId), "--json"], env);
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual({ drifts: [], repaired: false, remaining: [], orphanScanIncomplete: false });

    await redis.set(seatHoldKey(scheduleId, 4), "777", "PX", 60_000);
    await redis.set(seatHoldKey(scheduleId, 4242), "778", "PX", 60_000); // a seat the schedule does not have
    const found = await runCli(["reconcile", String(scheduleId), "--json"], env);
    expect(found.code).toBe(6);
    expect(found.stderr).toContain("Redis differs from the database; run again with --repair");
    const body = JSON.parse(found.stdout) as { drifts: Array<Record<string, unknown>>; repaired?: boolean };
    expect(body.drifts).toEqual([
      { seatNumber: 4, kind: "SEAT_DRIFT_KIND_HOLD_KEY_STALE", mysqlStatus: "AVAILABLE", redisStatus: "AVAILABLE", detail: expect.stringContaining("777") },
      { seatNumber: 4242, kind: "SEAT_DRIFT_KIND_HOLD_KEY_ORPHAN", mysqlStatus: "", redisStatus: "", detail: expect.stringContaining("778") },
    ]);
    expect(body.repaired).toBe(false);

    const plain = await runCli(["reconcile", String(scheduleId)], env);
    expect(plain.code).toBe(6);
    expect(plain.stdout).toContain("run again with --repair");
    expect(plain.stdout).toMatch(/^\s*4\s+HOLD_KEY_STALE\s+AVAILABLE\s+AVAILABLE\s/m);
    expect(plain.stdout).toMatch(/^\s*4242\s+HOLD_KEY_ORPHAN\s+-\s+-\s/m);

    const repaired = await runCli(["reconcile", String(scheduleId), "--repair", "--json"], env);
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.stdout)).toMatchObject({ repaired: true, remaining: [] });
    expect(await redis.exists(seatHoldKey(scheduleId, 4), seatHoldKey(scheduleId, 4242))).toBe(0);
    expect(JSON.parse((await runCli(["reconcile", String(scheduleId), "--json"], env)).stdout)).toMatchObject({ drifts: [] });

    const missing = await runCli(["reconcile", "999999999", "--json"], env);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("schedule 999999999 does not exist");
  });
});
