import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
import { seatHoldKey, seatStatusKey } from "../../server/seats/seat-keys.js";
import { bearer } from "../support/auth.js";
import { fan, seedConcert } from "../support/booking-api.js";
import { clientFor } from "../support/clients.js";
import { testRedis } from "../support/redis.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let redis: Redis;
let text = "";
beforeAll(async () => {
  // A check every second, two schedules per tick: the three schedules below take two ticks per cycle.
  server = await startTestServer({}, { SEAT_DRIFT_CHECK_SECONDS: "1", SEAT_DRIFT_CHECK_SCHEDULES: "2" });
  redis = testRedis(server.config.redisKeyPrefix);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

async function scrape(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}
const driftOf = (text: string, scheduleId: number) => {
  const m = new RegExp(`^seat_drift\\{schedule_id="${scheduleId}"\\} (\\d+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
};
const checks = (text: string, result: string) => Number(new RegExp(`^seat_drift_checks_total\\{result="${result}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? NaN);

describe("background seat drift check (SEAT_DRIFT_CHECK_SECONDS)", () => {
  it("counts each kind of injected drift per schedule as seat_drift{schedule_id}, and 0 again after reconcile --repair", async () => {
    const a = await seedConcert(server.url, [{ grade: "R", count: 10, price: 1000n }]);
    const b = await seedConcert(server.url, [{ grade: "R", count: 10, price: 1000n }]);
    const c = await seedConcert(server.url, [{ grade: "R", count: 10, price: 1000n }]);
    const f = await fan(server.url, 401, a.concertId);
    await f.reservations.holdSeats({ scheduleId: BigInt(a.scheduleId), seatNumbers: [1, 2] });

    // Clean first: every schedule is checked and reported as 0 (the metric is not vacuous).
    await waitFor(async () => ((text = await scrape()), [a, b, c].every((s) => driftOf(text, s.scheduleId) === 0)), { timeoutMs: 20_000, what: "clean checks" });
    expect(checks(text, "clean")).toBeGreaterThanOrEqual(3);

    await redis.del(seatHoldKey(a.scheduleId, 1)); // HOLD_KEY_MISSING
    await redis.set(seatHoldKey(a.scheduleId, 2), "999", "PX", 60_000); // HOLDER_MISMATCH
    await redis.hset(seatStatusKey(a.scheduleId), "5", "SOLD"); // STATUS_MISMATCH
    await redis.set(seatHoldKey(a.scheduleId, 6), "888", "PX", 60_000); // HOLD_KEY_STALE
    await redis.set(seatHoldKey(a.scheduleId, 77), "777", "PX", 60_000); // HOLD_KEY_ORPHAN
    await redis.set(seatHoldKey(c.scheduleId, 11), "666", "PX", 60_000); // HOLD_KEY_ORPHAN on another schedule

    await waitFor(async () => ((text = await scrape()), driftOf(text, a.scheduleId) === 5 && driftOf(text, c.scheduleId) === 1), { timeoutMs: 20_000, what: "drift to be counted" });
    expect(driftOf(text, b.scheduleId)).toBe(0);
    expect(checks(text, "drift")).toBeGreaterThanOrEqual(2);

    const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
    for (const s of [a, c]) expect((await admin.reconcileSeats({ scheduleId: BigInt(s.scheduleId), repair: true })).repaired).toBe(true);
    await waitFor(async () => ((text = await scrape()), driftOf(text, a.scheduleId) === 0 && driftOf(text, c.scheduleId) === 0), { timeoutMs: 20_000, what: "drift back to 0" });
  }, 90_000);
});
