import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HoldSeats } from "../../server/reservation/hold-seats.js";
import { OpenSeatHoldGate } from "../support/open-seat-gate.js";
import { SequelizeTransactionRunner } from "../../server/db/transaction-runner.sequelize.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { createBookingHarness, outcomes, type BookingHarness } from "../support/booking-harness.js";
import { seatStatusKey } from "../../server/seats/seat-keys.js";

/** Live (HELD or CONFIRMED) reservations per seat, from the database: the ground truth. */
async function holdersPerSeat(h: BookingHarness, scheduleId: number) {
  return h.query<{ seat_number: number; holders: number }>(
    `SELECT rs.seat_number, COUNT(*) AS holders FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
     WHERE rs.schedule_id = ? AND r.status IN ('HELD', 'CONFIRMED') GROUP BY rs.seat_number`,
    [scheduleId],
  );
}

describe("HoldSeats under contention (real MySQL + Redis)", () => {
  let h: BookingHarness;
  const users = Array.from({ length: 200 }, (_, i) => 1000 + i);

  beforeAll(async () => {
    h = await createBookingHarness();
    await h.createUsers(users);
  });
  afterAll(async () => h?.close());

  it("200 users racing for one seat: exactly one hold wins, 199 get SEAT_TAKEN", async () => {
    const { scheduleId } = await h.seedSchedule();
    const { hold } = h.useCases();
    const r = await outcomes(users.map((userId) => () => hold.execute({ userId, scheduleId, seatNumbers: [7] })));
    expect(r.codes).toEqual({ OK: 1, SEAT_TAKEN: 199 });
    expect(await holdersPerSeat(h, scheduleId)).toEqual([{ seat_number: 7, holders: 1 }]);
    const [seat] = await h.query<{ status: string; reservation_id: number }>("SELECT status, reservation_id FROM seats WHERE schedule_id = ? AND seat_number = 7", [scheduleId]);
    expect(seat).toEqual({ status: "HELD", reservation_id: r.ok[0].id });
    const events = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'SeatsHeld' AND message_key = ?", [String(r.ok[0].id)]);
    expect(Number(events[0].n)).toBe(1);
  });

  it("negative control: with the guards off the same race double-books the seat", async () => {
    const { scheduleId } = await h.seedSchedule();
    const { hold } = h.useCases("off");
    const r = await outcomes(users.map((userId) => () => hold.execute({ userId, scheduleId, seatNumbers: [7] })));
    expect(r.codes.OK).toBeGreaterThan(1);
    const [row] = await holdersPerSeat(h, scheduleId);
    expect(Number(row.holders)).toBeGreaterThan(1);
  });

  it("the database alone (a Redis gate that lets everyone through) still lets exactly one win", async () => {
    const { scheduleId } = await h.seedSchedule();
    const openGate = new OpenSeatHoldGate(h.seats);
    const hold = new HoldSeats(new SequelizeTransactionRunner(h.db), h.reservations, openGate, new SequelizeOutboxWriter(h.db), { holdTtlSeconds: 300 });
    const r = await outcomes(users.map((userId) => () => hold.execute({ userId, scheduleId, seatNumbers: [3, 4] })));
    expect(r.codes).toEqual({ OK: 1, SEAT_TAKEN: 199 });
    expect(await holdersPerSeat(h, scheduleId)).toEqual([{ seat_number: 3, holders: 1 }, { seat_number: 4, holders: 1 }]);
  });

  it("Redis flushed before every round of 20: still exactly one winner, and Redis learns the holder again", async () => {
    const { scheduleId } = await h.seedSchedule();
    const { hold } = h.useCases();
    const results: Array<{ codes: Record<string, number> }> = [];
    for (let round = 0; round < 10; round++) {
      await h.flushOwnKeys();
      results.push(await outcomes(users.slice(round * 20, round * 20 + 20).map((userId) => () => hold.execute({ userId, scheduleId, seatNumbers: [3] }))));
    }
    expect(results.reduce((n, r) => n + (r.codes.OK ?? 0), 0)).toBe(1);
    expect(results.reduce((n, r) => n + (r.codes.SEAT_TAKEN ?? 0), 0)).toBe(199);
    expect(await holdersPerSeat(h, scheduleId)).toEqual([{ seat_number: 3, holders: 1 }]);
    expect((await h.seatStatuses.read(scheduleId))?.get(3)).toBe("HELD");
    expect(await h.gate.tryHold(scheduleId, [3], 99_999, 10_000)).toEqual([3]);
  });

  describe("random overlapping multi-seat holds", () => {
    const SEATS = 30;
    const pick = (rand: () => number) => {
      const n = 1 + Math.floor(rand() * 4);
      const set = new Set<number>();
      while (set.size < n) set.add(1 + Math.floor(rand() * SEATS));
      return [...set];
    };
    // Deterministic pseudo-random requests, so a failure can be replayed.
    const rng = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    async function checkAllOrNothing(scheduleId: number, winners: Array<{ id: number; seatNumbers: number[] }>) {
      // Never two live holders of one seat.
      for (const row of await holdersPerSeat(h, scheduleId)) expect(Number(row.holders)).toBe(1);
      // Every winner got every seat it asked for, and the seats table agrees with reservation_seats.
      for (const w of winners) {
        const seats = await h.query<{ seat_number: number; status: string; reservation_id: number }>(
          "SELECT seat_number, status, reservation_id FROM seats WHERE schedule_id = ? AND seat_number IN (?) ORDER BY seat_number",
          [scheduleId, w.seatNumbers],
        );
        expect(seats.map((s) => [s.seat_number, s.status, Number(s.reservation_id)])).toEqual(w.seatNumbers.map((n) => [n, "HELD", w.id]));
      }
      // No partial hold: a seat is HELD only by a winner, and losers left nothing behind.
      const held = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND status = 'HELD'", [scheduleId]);
      expect(Number(held[0].n)).toBe(winners.reduce((n, w) => n + w.seatNumbers.length, 0));
      const live = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM reservations WHERE schedule_id = ? AND status = 'HELD'", [scheduleId]);
      expect(Number(live[0].n)).toBe(winners.length);
    }

    /** The waiting room's inventory signal (the tally beside the status hash) agrees with the database. */
    async function checkTally(scheduleId: number, against: "database" | "status hash" = "database") {
      const db = { AVAILABLE: 0, HELD: 0, SOLD: 0 } as Record<string, number>;
      if (against === "database") {
        const rows = await h.query<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM seats WHERE schedule_id = ? GROUP BY status", [scheduleId]);
        for (const r of rows) db[r.status] = Number(r.n);
      } else {
        for (const v of Object.values(await h.redis.hgetall(seatStatusKey(scheduleId)))) db[v]++;
      }
      const [free, held, sold] = (await h.redis.eval(
        "local c = redis.call('HMGET', KEYS[1], 'AVAILABLE', 'HELD', 'SOLD') return {tonumber(c[1]), tonumber(c[2]), tonumber(c[3])}",
        1, `${seatStatusKey(scheduleId)}:counts`)) as number[];
      expect({ AVAILABLE: free, HELD: held, SOLD: sold }).toEqual(db);
    }

    it("150 users, 1-4 random seats out of 30: no seat twice, no partial hold; the free/held tally stays exact", async () => {
      const { scheduleId } = await h.seedSchedule([{ grade: "R", count: SEATS, price: 5_000 }]);
      await h.gate.reconcile(scheduleId); // the status hash (and its tally) exists before the race, as after AddSchedule
      const { hold } = h.useCases();
      const rand = rng(42);
      const r = await outcomes(users.slice(0, 150).map((userId) => { const seats = pick(rand); return () => hold.execute({ userId, scheduleId, seatNumbers: seats }); }));
      expect(Object.keys(r.codes).sort()).toEqual(["OK", "SEAT_TAKEN"]);
      await checkAllOrNothing(scheduleId, r.ok);
      await checkTally(scheduleId);
      // Half the winners' Redis holds are dropped while 150 new gates race for the seats: the tally matches the hash.
      const back = r.ok.slice(0, Math.floor(r.ok.length / 2));
      await Promise.all([
        ...back.map((w) => h.gate.release(scheduleId, w.seatNumbers, w.userId, "AVAILABLE")),
        ...users.slice(0, 150).map((u) => h.gate.tryHold(scheduleId, pick(rand), u, 10_000)),
      ]);
      await checkTally(scheduleId, "status hash");
      // A lost status hash is rebuilt from MySQL with its tally.
      await h.redis.del(seatStatusKey(scheduleId));
      await h.gate.reconcile(scheduleId);
      await checkTally(scheduleId, "status hash");
    });

    it("the same with Redis flushed between two waves: the database keeps it consistent and Redis is repaired", async () => {
      const { scheduleId } = await h.seedSchedule([{ grade: "R", count: SEATS, price: 5_000 }]);
      const { hold } = h.useCases();
      const rand = rng(7);
      const wave1 = await outcomes(users.slice(0, 80).map((userId) => { const seats = pick(rand); return () => hold.execute({ userId, scheduleId, seatNumbers: seats }); }));
      await h.flushOwnKeys();
      const wave2 = await outcomes(users.slice(80, 160).map((userId) => { const seats = pick(rand); return () => hold.execute({ userId, scheduleId, seatNumbers: seats }); }));
      expect(wave2.codes.SEAT_TAKEN).toBeGreaterThan(0);
      await checkAllOrNothing(scheduleId, [...wave1.ok, ...wave2.ok]);

      // Redis agrees with the database again: the status hash was rebuilt and hold keys restored.
      const statuses = await h.seatStatuses.read(scheduleId);
      const db = await h.seats.seatStates(scheduleId);
      expect(statuses).toBeDefined();
      expect(db.map((s) => [s.number, statuses!.get(s.number)])).toEqual(db.map((s) => [s.number, s.status]));
      // A repeat of wave 1's winners' seats is now refused by Redis alone, before the database.
      const taken = wave1.ok[0].seatNumbers;
      expect(await h.gate.tryHold(scheduleId, taken, 99_999, 10_000)).toEqual(taken);
    });

    it("negative control: with the guards off, overlapping holds double-book seats", async () => {
      const { scheduleId } = await h.seedSchedule([{ grade: "R", count: SEATS, price: 5_000 }]);
      const { hold } = h.useCases("off");
      const rand = rng(42);
      await outcomes(users.slice(0, 150).map((userId) => { const seats = pick(rand); return () => hold.execute({ userId, scheduleId, seatNumbers: seats }); }));
      const rows = await holdersPerSeat(h, scheduleId);
      expect(rows.some((r) => Number(r.holders) > 1)).toBe(true);
    });
  });
});
