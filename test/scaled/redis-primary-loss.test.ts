import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper without types
import { clusterNodes, primaryForKey, startRedisNode, stopRedisNode, waitClusterOk, REDIS_CLUSTER_PORTS } from "../../scripts/infra/redis-cluster.mjs";
import { seatStatusKey } from "../../server/seats/seat-keys.js";
import { createBookingHarness, outcomes, type BookingHarness } from "../support/booking-harness.js";

describe("Redis Cluster: a primary is killed mid-sale (scaled topology)", () => {
  let h: BookingHarness;
  let killed: number | undefined;
  const users = Array.from({ length: 120 }, (_, i) => 5000 + i);

  beforeAll(async () => {
    h = await createBookingHarness();
    await h.createUsers(users);
  });
  afterAll(async () => {
    // restore the topology: the killed node comes back (as a replica of its promoted one)
    if (killed !== undefined) {
      await startRedisNode(killed);
      await waitClusterOk(60_000);
    }
    await h?.close();
  });

  it("the replica is promoted; no seat is sold twice and no acknowledged hold is lost", async () => {
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 60, price: 10_000 }]);
    const { hold } = h.useCases();
    const victim: number = primaryForKey(`${h.prefix}${seatStatusKey(scheduleId)}`);
    const victimId = clusterNodes(victim).find((n: { port: number }) => n.port === victim).id;
    const replica = clusterNodes(victim).find((n: { masterId: string }) => n.masterId === victimId);
    expect(replica).toBeDefined();

    // Two fans per seat, in waves; the primary owning this schedule's slot dies after the first waves.
    const acked = new Map<number, number>(); // seat -> user whose hold was acknowledged
    const failures: Record<string, number> = {};
    const wave = async (from: number) => {
      const tasks = [];
      for (let seat = from; seat < from + 10; seat++) {
        for (const userId of [users[(seat - 1) * 2], users[(seat - 1) * 2 + 1]]) {
          tasks.push(async () => {
            const r = await hold.execute({ userId, scheduleId, seatNumbers: [seat] });
            acked.set(seat, userId);
            return r;
          });
        }
      }
      const r = await outcomes(tasks);
      for (const [code, n] of Object.entries(r.codes)) failures[code] = (failures[code] ?? 0) + n;
    };
    await wave(1);
    await wave(11);
    killed = victim;
    await stopRedisNode(victim, { signal: "SIGKILL" });
    await wave(21); // during the failover: some may fail as UNAVAILABLE, none may double-book
    // the replica takes over within cluster-node-timeout plus an election
    const survivor = REDIS_CLUSTER_PORTS.find((p: number) => p !== victim)!;
    await waitClusterOk(60_000, REDIS_CLUSTER_PORTS.filter((p: number) => p !== victim));
    const primaries = clusterNodes(survivor).filter((n: { role: string; failed: boolean }) => n.role === "master" && !n.failed);
    expect(primaries.length).toBe(3);
    expect(primaryForKey(`${h.prefix}${seatStatusKey(scheduleId)}`, survivor)).toBe(replica.port); // the replica was promoted
    await wave(31);
    await wave(41);

    // Ground truth: the database has at most one live holder per seat, and every acknowledged hold is there.
    const rows = await h.query<{ seat_number: number; user_id: number; holders: number }>(
      `SELECT rs.seat_number, MIN(r.user_id) AS user_id, COUNT(*) AS holders FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE rs.schedule_id = ? AND r.status IN ('HELD', 'CONFIRMED') GROUP BY rs.seat_number`,
      [scheduleId],
    );
    expect(rows.every((r) => Number(r.holders) === 1)).toBe(true);
    const held = new Map(rows.map((r) => [Number(r.seat_number), Number(r.user_id)]));
    for (const [seat, userId] of acked) expect(held.get(seat)).toBe(userId);
    expect(acked.size).toBeGreaterThanOrEqual(40); // the waves after the failover went through

    // And the promoted primary still refuses every acknowledged seat to somebody else.
    const late = await outcomes([...acked.keys()].map((seat) => () => hold.execute({ userId: users[users.length - 1], scheduleId, seatNumbers: [seat] })));
    expect(late.ok).toEqual([]);
    expect(Object.keys(late.codes)).toEqual(["SEAT_TAKEN"]);
  });
});
