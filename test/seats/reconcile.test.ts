import { Code, ConnectError } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService, SeatDriftKind } from "../../gen/concert/v1/admin_pb.js";
import { seatHoldKey, seatStatusKey } from "../../server/seats/seat-keys.js";
import { bearer } from "../support/auth.js";
import { fan, seedConcert } from "../support/booking-api.js";
import { clientFor } from "../support/clients.js";
import { testRedis } from "../support/redis.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let redis: Redis;
let admin: ReturnType<typeof clientFor<typeof AdminService>>;

beforeAll(async () => {
  server = await startTestServer();
  redis = testRedis(server.config.redisKeyPrefix);
  admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
});

afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

const reconcile = (scheduleId: number, repair = false) => admin.reconcileSeats({ scheduleId: BigInt(scheduleId), repair });
const kinds = (drifts: Array<{ seatNumber: number; kind: SeatDriftKind }>) =>
  drifts.map((d) => [d.seatNumber, SeatDriftKind[d.kind]]).sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])));

describe("ReconcileSeats (real MySQL + Redis)", () => {
  it("a clean schedule, with and without live holds, reports nothing", async () => {
    const { concertId, scheduleId } = await seedConcert(server.url);
    expect((await reconcile(scheduleId)).drifts).toEqual([]);
    const f = await fan(server.url, 201, concertId);
    await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [4, 5] });
    const r = await reconcile(scheduleId);
    expect(r.drifts).toEqual([]);
    expect(r.repaired).toBe(false);
    // repair of a clean schedule is a no-op that reports success
    expect(await reconcile(scheduleId, true)).toMatchObject({ drifts: [], repaired: true, remaining: [] });
  });

  it("reports each injected drift with its kind, repairs it from MySQL, and a second check reports none", async () => {
    const { concertId, scheduleId } = await seedConcert(server.url);
    const a = await fan(server.url, 101, concertId);
    const b = await fan(server.url, 102, concertId);
    await a.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1, 2] });
    await b.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [3] });
    expect((await reconcile(scheduleId)).drifts).toEqual([]);

    await redis.del(seatHoldKey(scheduleId, 1)); // live hold in MySQL, no key
    await redis.hset(seatStatusKey(scheduleId), "6", "SOLD"); // AVAILABLE in MySQL
    await redis.set(seatHoldKey(scheduleId, 3), "999", "PX", 60_000); // held by 102 in MySQL
    await redis.set(seatHoldKey(scheduleId, 8), "777", "PX", 60_000); // AVAILABLE in MySQL

    const found = await reconcile(scheduleId);
    expect(kinds(found.drifts)).toEqual([
      [1, "HOLD_KEY_MISSING"],
      [3, "HOLDER_MISMATCH"],
      [6, "STATUS_MISMATCH"],
      [8, "HOLD_KEY_STALE"],
    ]);
    expect(found.drifts.find((d) => d.seatNumber === 6)).toMatchObject({ mysqlStatus: "AVAILABLE", redisStatus: "SOLD" });
    expect(found.drifts.find((d) => d.seatNumber === 3)?.detail).toContain("999");
    expect(found.repaired).toBe(false);
    // a report changes nothing
    expect(await redis.get(seatHoldKey(scheduleId, 8))).toBe("777");

    const fixed = await reconcile(scheduleId, true);
    expect(kinds(fixed.drifts)).toEqual(kinds(found.drifts));
    expect(fixed.repaired).toBe(true);
    expect(fixed.remaining).toEqual([]);
    expect((await reconcile(scheduleId)).drifts).toEqual([]);

    expect(await redis.get(seatHoldKey(scheduleId, 1))).toBe("101");
    expect(await redis.pttl(seatHoldKey(scheduleId, 1))).toBeGreaterThan(0);
    expect(await redis.get(seatHoldKey(scheduleId, 3))).toBe("102");
    expect(await redis.exists(seatHoldKey(scheduleId, 8))).toBe(0);
    expect(await redis.hget(seatStatusKey(scheduleId), "6")).toBe("AVAILABLE");
    expect(await redis.hget(seatStatusKey(scheduleId), "8")).toBe("AVAILABLE");

    // the repaired gate works again: seat 8 can be held, seat 1 cannot
    const c = await fan(server.url, 103, concertId);
    await c.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [8] });
    await expect(c.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1] })).rejects.toMatchObject({ code: Code.AlreadyExists });
  });

  it("a lost status hash is reported for every seat and rebuilt by repair", async () => {
    const { concertId, scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 5, price: 1000n }]);
    const f = await fan(server.url, 301, concertId);
    await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [2] });
    await redis.del(seatStatusKey(scheduleId));
    const found = await reconcile(scheduleId);
    expect(kinds(found.drifts)).toEqual([1, 2, 3, 4, 5].map((n) => [n, "STATUS_MISMATCH"]));
    expect((await reconcile(scheduleId, true)).repaired).toBe(true);
    expect(await redis.hget(seatStatusKey(scheduleId), "2")).toBe("HELD");
  });

  it("finds hold keys of seat numbers MySQL does not have (found by a scan, not by the seat list) and repair removes them, leaving other schedules' keys alone", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 5, price: 1000n }]);
    const other = await seedConcert(server.url, [{ grade: "R", count: 5, price: 1000n }]);
    await redis.set(seatHoldKey(scheduleId, 6), "555", "PX", 60_000); // one past the last seat
    await redis.set(seatHoldKey(scheduleId, 4242), "556"); // no TTL: would stay for ever
    await redis.set(seatHoldKey(other.scheduleId, 4242), "557", "PX", 60_000);
    const found = await reconcile(scheduleId);
    expect(kinds(found.drifts)).toEqual([
      [6, "HOLD_KEY_ORPHAN"],
      [4242, "HOLD_KEY_ORPHAN"],
    ]);
    expect(found.drifts[0]).toMatchObject({ mysqlStatus: "", detail: expect.stringContaining("555") });
    expect(await redis.get(seatHoldKey(scheduleId, 4242))).toBe("556");

    expect(await reconcile(scheduleId, true)).toMatchObject({ repaired: true, remaining: [] });
    expect(await redis.exists(seatHoldKey(scheduleId, 6), seatHoldKey(scheduleId, 4242))).toBe(0);
    expect(await redis.get(seatHoldKey(other.scheduleId, 4242))).toBe("557");
    expect(kinds((await reconcile(other.scheduleId)).drifts)).toEqual([[4242, "HOLD_KEY_ORPHAN"]]);
  });

  it("negative control: the seat-by-seat comparison alone (no scan) does not see orphan hold keys", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 3, price: 1000n }]);
    await redis.set(seatHoldKey(scheduleId, 99), "777", "PX", 60_000);
    const { seatDrifts } = await import("../../server/seats/seat-drift.js");
    const { RedisSeatDriftProbe } = await import("../../server/seats/seat-drift.probe.redis.js");
    const probe = new RedisSeatDriftProbe(redis);
    const seats = [1, 2, 3].map((number) => ({ number, status: "AVAILABLE" as const }));
    expect(seatDrifts(seats, await probe.view(scheduleId, [1, 2, 3]), new Date())).toEqual([]);
    expect([...(await probe.holdKeys(scheduleId)).holders]).toEqual([[99, "777"]]);
  });

  it("the scan is bounded: with too few SCAN calls it stops and says the result is incomplete", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 3, price: 1000n }]);
    await redis.set(seatHoldKey(scheduleId, 50), "1", "PX", 60_000);
    await redis.set(seatHoldKey(scheduleId, 51), "1", "PX", 60_000);
    const { RedisSeatDriftProbe } = await import("../../server/seats/seat-drift.probe.redis.js");
    // Other test files share this Redis: the key space is far larger than one SCAN call of COUNT 1.
    const tiny = await new RedisSeatDriftProbe(redis, { scanCalls: 1, scanCount: 1, slotKeys: 1 }).holdKeys(scheduleId);
    expect(tiny.complete).toBe(false);
    expect((await new RedisSeatDriftProbe(redis).holdKeys(scheduleId)).complete).toBe(true);
  });

  it("an unknown schedule is NOT_FOUND with what to do; schedule_id 0 is invalid; fans are refused", async () => {
    const err = await reconcile(999_999_999).then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.NotFound);
    expect(err?.rawMessage).toMatch(/schedule 999999999 does not exist; list/);
    await expect(reconcile(0)).rejects.toMatchObject({ code: Code.InvalidArgument });
    const user = clientFor(AdminService, server.url, { headers: await bearer(5) });
    await expect(user.reconcileSeats({ scheduleId: 1n })).rejects.toMatchObject({ code: Code.PermissionDenied });
  });
});
