import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../server/shared/logger.js";
import { createHoldSweeper } from "../../server/reservation/hold-sweeper.worker.js";
import { createBookingHarness, type BookingHarness } from "../support/booking-harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("hold expiry and cancellation (real MySQL + Redis)", () => {
  let h: BookingHarness;
  const logger = createLogger("silent");
  beforeAll(async () => {
    h = await createBookingHarness({ holdTtlSeconds: 1 });
    await h.createUsers([1, 2, 3, 4]);
  });
  afterAll(async () => h?.close());

  const statusOf = async (id: number) => (await h.query<{ status: string }>("SELECT status FROM reservations WHERE id = ?", [id]))[0].status;

  it("the sweeper releases an unpaid hold within 5 s of held_until: EXPIRED, seats AVAILABLE, one event", async () => {
    const { scheduleId } = await h.seedSchedule();
    const { hold, release } = h.useCases();
    const sweeper = createHoldSweeper(release, logger, 250);
    await sweeper.start();
    try {
      const r = await hold.execute({ userId: 1, scheduleId, seatNumbers: [5, 6] });
      expect(await h.gate.tryHold(scheduleId, [5], 2, 10_000)).toEqual([5]);
      let status = await statusOf(r.id);
      while (status === "HELD" && Date.now() < r.heldUntil.getTime() + 5_000) {
        await sleep(100);
        status = await statusOf(r.id);
      }
      expect(status).toBe("EXPIRED");
      expect(Date.now()).toBeGreaterThanOrEqual(r.heldUntil.getTime());
      expect(Date.now()).toBeLessThan(r.heldUntil.getTime() + 5_000);
      const seats = await h.query<{ status: string; reservation_id: number | null }>("SELECT status, reservation_id FROM seats WHERE schedule_id = ? AND seat_number IN (5, 6)", [scheduleId]);
      expect(seats).toEqual([{ status: "AVAILABLE", reservation_id: null }, { status: "AVAILABLE", reservation_id: null }]);
      const events = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'ReservationExpired' AND message_key = ?", [String(r.id)]);
      expect(Number(events[0].n)).toBe(1);
      // Redis follows: the seat is free in the hash and the gate, and another fan can hold it.
      expect((await h.seatStatuses.read(scheduleId))?.get(5) ?? "AVAILABLE").toBe("AVAILABLE");
      const again = await hold.execute({ userId: 2, scheduleId, seatNumbers: [5] });
      expect(again.status).toBe("HELD");
    } finally {
      await sweeper.stop();
    }
  });

  it("Pay and Cancel after held_until are refused with HOLD_EXPIRED, even before the sweeper ran", async () => {
    const { scheduleId } = await h.seedSchedule();
    const { hold, pay, cancel, charge } = h.useCases();
    await charge.execute({ userId: 3, amount: 50_000, idempotencyKey: "t" });
    const r = await hold.execute({ userId: 3, scheduleId, seatNumbers: [1] });
    await sleep(1_100);
    await expect(pay.execute({ userId: 3, reservationId: r.id, idempotencyKey: "p" })).rejects.toMatchObject({ code: "HOLD_EXPIRED" });
    await expect(cancel.execute({ userId: 3, reservationId: r.id })).rejects.toMatchObject({ code: "HOLD_EXPIRED" });
    expect(await h.balances.get(3)).toBe(50_000);
  });

  it("several sweepers side by side release each due hold exactly once (SKIP LOCKED)", async () => {
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 120, price: 1_000 }]);
    const { hold } = h.useCases();
    const ids: number[] = [];
    for (let i = 0; i < 120; i++) ids.push((await hold.execute({ userId: 4, scheduleId, seatNumbers: [i + 1] })).id);
    await sleep(1_100);
    // Four "processes", each with its own use case instance, sweeping at the same moment.
    const counts = await Promise.all([0, 1, 2, 3].map(() => h.useCases().release.execute(new Date())));
    // (Earlier tests' holds may fall due too; every due hold counts once.)
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(120);
    const events = await h.query<{ message_key: string; n: number }>(
      "SELECT message_key, COUNT(*) AS n FROM outbox WHERE event_type = 'ReservationExpired' AND message_key IN (?) GROUP BY message_key",
      [ids.map(String)],
    );
    expect(events.length).toBe(120);
    expect(events.every((e) => Number(e.n) === 1)).toBe(true);
    const held = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND status <> 'AVAILABLE'", [scheduleId]);
    expect(Number(held[0].n)).toBe(0);
  });

  it("catches up after a restart: holds that fell due while no sweeper ran are released at start", async () => {
    const { scheduleId } = await h.seedSchedule();
    const { hold, release } = h.useCases();
    const r = await hold.execute({ userId: 1, scheduleId, seatNumbers: [9] });
    await sleep(1_500); // "down" past held_until
    const sweeper = createHoldSweeper(release, logger, 60_000); // a long interval: only the start-up sweep can do it
    await sweeper.start();
    try {
      const deadline = Date.now() + 5_000;
      while ((await statusOf(r.id)) === "HELD" && Date.now() < deadline) await sleep(100);
      expect(await statusOf(r.id)).toBe("EXPIRED");
    } finally {
      await sweeper.stop();
    }
  });

  it("the owner cancels a HELD reservation; others may not; a second cancel is refused", async () => {
    const long = await createBookingHarness({ holdTtlSeconds: 300 });
    try {
      await long.createUsers([1, 2]);
      const s = await long.seedSchedule();
      const { hold, cancel } = long.useCases();
      const r = await hold.execute({ userId: 1, scheduleId: s.scheduleId, seatNumbers: [1, 2] });
      await expect(cancel.execute({ userId: 2, reservationId: r.id })).rejects.toMatchObject({ code: "NOT_OWNER" });
      await expect(cancel.execute({ userId: 1, reservationId: 999_999 })).rejects.toMatchObject({ code: "RESERVATION_NOT_FOUND" });
      const cancelled = await cancel.execute({ userId: 1, reservationId: r.id });
      expect(cancelled.status).toBe("CANCELLED");
      await expect(cancel.execute({ userId: 1, reservationId: r.id })).rejects.toMatchObject({ code: "RESERVATION_NOT_HELD" });
      const events = await long.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'ReservationCancelled' AND message_key = ?", [String(r.id)]);
      expect(Number(events[0].n)).toBe(1);
      // The seats are free again, in the database and in Redis.
      const next = await hold.execute({ userId: 2, scheduleId: s.scheduleId, seatNumbers: [2] });
      expect(next.seatNumbers).toEqual([2]);
    } finally {
      await long.close();
    }
  });
});
