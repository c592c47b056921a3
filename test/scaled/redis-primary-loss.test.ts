import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper without types
import { clusterNodes, primaryForKey, startRedisNode, stopRedisNode, waitClusterOk, REDIS_CLUSTER_PORTS } from "../../scripts/infra/redis-cluster.mjs";
import { waitFor } from "../../scripts/infra/kafka.mjs";
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
      // the next fault test (or a rerun of this one) expects three primaries with a live replica each
      await waitFor(() => clusterNodes(killed!).filter((n: { role: string; failed: boolean }) => n.role === "slave" && !n.failed).length === 3, {
        timeoutMs: 60_000,
        what: "the restarted node back as a replica",
      });
    }
    await h?.close();
  });

  it("the replica is promoted; no seat is sold twice and no acknowledged hold is lost", async () => {
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 60, price: 10_000 }]);
    const { hold } = h.useCases();
    const key = `${h.prefix}${seatStatusKey(scheduleId)}`;
    const victim: number = primaryForKey(key);
    const victimId = clusterNodes(victim).find((n: { port: number }) => n.port === victim).id;
    // Which replica takes over is the cluster's choice (after earlier fault runs a primary may have
    // more than one); the guarantee is that one of the victim's own replicas does.
    const replicas: number[] = clusterNodes(victim)
      .filter((n: { masterId: string; failed: boolean }) => n.masterId === victimId && !n.failed)
      .map((n: { port: number }) => n.port);
    expect(replicas.length).toBeGreaterThan(0);

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
    // A replica takes over after cluster-node-timeout (3 s) plus an election. Until the survivors have
    // marked the victim FAIL their cluster_state is still ok, so wait for the slot's new owner itself.
    const survivors = REDIS_CLUSTER_PORTS.filter((p: number) => p !== victim);
    let promoted: number | undefined;
    await waitFor(
      () => {
        try {
          promoted = primaryForKey(key, survivors[0]);
        } catch {
          promoted = undefined; // no live primary serves the slot yet
        }
        return promoted !== undefined && promoted !== victim;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "a live primary other than the killed one for the schedule's slot" },
    );
    expect(replicas).toContain(promoted); // a replica of the killed primary was promoted
    await waitClusterOk(60_000, survivors);
    const primaries = clusterNodes(survivors[0]).filter((n: { role: string; failed: boolean }) => n.role === "master" && !n.failed);
    expect(primaries.length).toBe(3);
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
