import type { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService, SeatDriftKind } from "../../gen/concert/v1/admin_pb.js";
import { isCluster } from "../../server/redis/redis-client.js";
import { RedisSeatDriftProbe } from "../../server/seats/seat-drift.probe.redis.js";
import { seatHoldKey, seatHoldKeyBase, seatStatusKey } from "../../server/seats/seat-keys.js";
import { bearer } from "../support/auth.js";
import { seedConcert } from "../support/booking-api.js";
import { clientFor } from "../support/clients.js";
import { testRedis } from "../support/redis.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * The Redis Cluster path of the orphan hold-key scan (server/seats/seat-drift.probe.redis.ts): a
 * schedule's hold keys share one hash tag, so they sit in one slot on one primary, and the probe reads
 * that slot with CLUSTER GETKEYSINSLOT on each primary instead of a SCAN (which would cover one node).
 * Runs only under `npm run test:scaled` (test/scaled/ is its second phase; npm test leaves it out).
 */
describe("orphan hold keys on Redis Cluster: CLUSTER GETKEYSINSLOT on the slot's owner (scaled topology)", () => {
  let server: TestServer;
  let redis: Redis;
  let otherPrefix: Redis;
  let admin: ReturnType<typeof clientFor<typeof AdminService>>;

  beforeAll(async () => {
    server = await startTestServer();
    redis = testRedis(server.config.redisKeyPrefix);
    otherPrefix = testRedis(`${server.config.redisKeyPrefix}other:`); // another test's keys, same hash tags
    expect(isCluster(redis)).toBe(true);
    admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
  });
  afterAll(async () => {
    redis?.disconnect();
    otherPrefix?.disconnect();
    await server?.close();
  });

  const primaries = async () => {
    const c = redis as unknown as Cluster;
    if (c.status !== "ready") await c.ping(); // the node list is known once connected
    return c.nodes("master");
  };
  const prefixed = (key: string) => `${server.config.redisKeyPrefix}${key}`;

  it("finds every orphan of the schedule on the primary that owns its slot, and nothing of the slot's other keys", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 5, price: 1000n }]);
    const other = await seedConcert(server.url, [{ grade: "R", count: 5, price: 1000n }]);
    await redis.set(seatHoldKey(scheduleId, 6), "555", "PX", 60_000); // one past the last seat
    await redis.set(seatHoldKey(scheduleId, 4242), "556"); // no TTL: would stay for ever
    await redis.set(seatHoldKey(other.scheduleId, 4242), "557", "PX", 60_000); // another schedule: another slot
    await otherPrefix.set(seatHoldKey(scheduleId, 7), "558", "PX", 60_000); // same slot, another key prefix
    expect(await redis.exists(seatStatusKey(scheduleId))).toBe(1); // same slot, not a hold key

    // Where the keys are: one slot, held by exactly one of the three primaries.
    const slot = Number(await (redis as unknown as Cluster).cluster("KEYSLOT", prefixed(seatHoldKeyBase(scheduleId))));
    const counts = await Promise.all((await primaries()).map(async (n) => Number(await n.cluster("COUNTKEYSINSLOT", slot))));
    expect(counts).toHaveLength(3);
    expect(counts.filter((n) => n > 0)).toHaveLength(1);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(4); // two orphans, the status hash, the other prefix's key

    const found = await new RedisSeatDriftProbe(redis).holdKeys(scheduleId);
    expect(found.complete).toBe(true);
    expect([...found.holders].sort((a, b) => a[0] - b[0])).toEqual([[6, "555"], [4242, "556"]]);
  });

  it("negative control: a SCAN of one node (the single-node path) misses them on every primary but the slot's owner", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 3, price: 1000n }]);
    await redis.set(seatHoldKey(scheduleId, 99), "777", "PX", 60_000);
    const match = `${prefixed(seatHoldKeyBase(scheduleId))}*`;
    const perNode: number[] = [];
    for (const node of await primaries()) {
      let cursor = "0";
      let n = 0;
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", match, "COUNT", 1000);
        n += keys.length;
        cursor = next;
      } while (cursor !== "0");
      perNode.push(n);
    }
    expect(perNode.sort()).toEqual([0, 0, 1]);
    expect([...(await new RedisSeatDriftProbe(redis).holdKeys(scheduleId)).holders]).toEqual([[99, "777"]]);
  });

  it("ReconcileSeats reports them as HOLD_KEY_ORPHAN and repair deletes them, leaving the slot's other keys alone", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 5, price: 1000n }]);
    await redis.set(seatHoldKey(scheduleId, 6), "555", "PX", 60_000);
    await redis.set(seatHoldKey(scheduleId, 4242), "556");
    await otherPrefix.set(seatHoldKey(scheduleId, 6), "558", "PX", 60_000);
    const reconcile = (repair: boolean) => admin.reconcileSeats({ scheduleId: BigInt(scheduleId), repair });

    const report = await reconcile(false);
    expect(report.orphanScanIncomplete).toBe(false);
    expect(report.drifts.map((d) => [d.seatNumber, SeatDriftKind[d.kind]]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [6, "HOLD_KEY_ORPHAN"],
      [4242, "HOLD_KEY_ORPHAN"],
    ]);
    expect(await reconcile(true)).toMatchObject({ repaired: true, remaining: [], orphanScanIncomplete: false });
    expect(await redis.exists(seatHoldKey(scheduleId, 6), seatHoldKey(scheduleId, 4242))).toBe(0);
    expect(await otherPrefix.get(seatHoldKey(scheduleId, 6))).toBe("558");
    expect(await redis.hget(seatStatusKey(scheduleId), "5")).toBe("AVAILABLE");
  });

  it("the slot read is bounded: past limits.slotKeys keys it stops and says the result is incomplete", async () => {
    const { scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 3, price: 1000n }]);
    for (const n of [50, 51, 52]) await redis.set(seatHoldKey(scheduleId, n), "1", "PX", 60_000);
    const tiny = await new RedisSeatDriftProbe(redis, { scanCalls: 1, scanCount: 1, slotKeys: 2 }).holdKeys(scheduleId);
    expect(tiny.complete).toBe(false);
    expect(tiny.holders.size).toBeLessThanOrEqual(2);
    const all = await new RedisSeatDriftProbe(redis).holdKeys(scheduleId);
    expect(all.complete).toBe(true);
    expect([...all.holders.keys()].sort()).toEqual([50, 51, 52]);
  });
});
