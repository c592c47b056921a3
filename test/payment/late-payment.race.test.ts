import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBookingHarness, outcomes, type BookingHarness } from "../support/booking-harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Late payment (SPEC 7.3, issue 14 item 6) against the real MySQL and Redis: a Pay within the grace
 * period after held_until re-takes and confirms the seats when every one is still AVAILABLE, otherwise
 * it is refused with nothing charged; raced against a new holder of the same seats, with the negative
 * control that shows the guard is what stops a double sale.
 */
describe("late payment (real MySQL + Redis)", () => {
  let h: BookingHarness;
  beforeAll(async () => {
    h = await createBookingHarness({ holdTtlSeconds: 1, latePayGraceSeconds: 60 });
  });
  afterAll(async () => h?.close());

  const count = async (sql: string, args: unknown[]) => Number((await h.query<{ n: number }>(sql, args))[0].n);
  const confirmedPerSeat = (scheduleId: number) =>
    h.query<{ seat_number: number; n: number }>(
      `SELECT rs.seat_number, COUNT(*) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE rs.schedule_id = ? AND r.status = 'CONFIRMED' GROUP BY rs.seat_number`,
      [scheduleId],
    );
  /** Every user's balance equals the sum of their ledger. */
  const ledgerMismatches = () =>
    h.query<{ user_id: number }>(
      `SELECT b.user_id FROM balances b LEFT JOIN (SELECT user_id, SUM(delta) AS s FROM balance_ledger GROUP BY user_id) l ON l.user_id = b.user_id
       WHERE b.balance <> COALESCE(l.s, 0)`,
    );

  /** Holds seat(s) for the user, lets the hold lapse and the sweeper release it (reservation EXPIRED, seats AVAILABLE). */
  async function expiredHold(userId: number, scheduleId: number, seatNumbers: number[]) {
    const { hold, release } = h.useCases();
    const r = await hold.execute({ userId, scheduleId, seatNumbers });
    await sleep(Math.max(0, r.heldUntil.getTime() - Date.now()) + 50);
    await release.execute(new Date());
    expect((await h.reservations.find(r.id))!.status).toBe("EXPIRED");
    return r;
  }

  it("seats still free: an EXPIRED reservation is re-held and CONFIRMED in one transaction; a retry replays it", async () => {
    const { scheduleId } = await h.seedSchedule();
    await h.gate.reconcile(scheduleId); // Redis seat state loaded, as AddSchedule does
    await h.createUsers([1]);
    const { charge, pay } = h.useCases();
    await charge.execute({ userId: 1, amount: 30_000, idempotencyKey: "c" });
    const r = await expiredHold(1, scheduleId, [7, 8]);
    const paid = await pay.execute({ userId: 1, reservationId: r.id, idempotencyKey: "late" });
    expect(paid.reservation.status).toBe("CONFIRMED");
    expect(await h.balances.get(1)).toBe(10_000);
    const seats = await h.query<{ status: string; reservation_id: number }>("SELECT status, reservation_id FROM seats WHERE schedule_id = ? AND seat_number IN (7, 8)", [scheduleId]);
    expect(seats.map((s) => [s.status, Number(s.reservation_id)])).toEqual([["SOLD", r.id], ["SOLD", r.id]]);
    // Events in commit order: released, held again, confirmed as a late payment.
    const events = await h.query<{ event_type: string; payload: string }>("SELECT event_type, payload FROM outbox WHERE message_key = ? AND topic = 'reservation-events' ORDER BY id", [String(r.id)]);
    expect(events.map((e) => e.event_type)).toEqual(["SeatsHeld", "ReservationExpired", "SeatsHeld", "ReservationConfirmed"]);
    expect(JSON.parse(events[3].payload).latePayment).toBe(true);
    // Redis follows: the seats are SOLD there too.
    expect(await h.gate.tryHold(scheduleId, [7], 2, 10_000)).toEqual([7]);
    // Idempotent: the same key replays, nothing is taken twice; another key finds it CONFIRMED.
    const again = await pay.execute({ userId: 1, reservationId: r.id, idempotencyKey: "late" });
    expect(again.payment.id).toBe(paid.payment.id);
    await expect(pay.execute({ userId: 1, reservationId: r.id, idempotencyKey: "other" })).rejects.toMatchObject({ code: "RESERVATION_NOT_HELD" });
    expect(await h.balances.get(1)).toBe(10_000);
    expect(await ledgerMismatches()).toEqual([]);
  });

  it("a hold past held_until that the sweeper has not released yet is paid late without a re-take", async () => {
    const { scheduleId } = await h.seedSchedule();
    await h.createUsers([2]);
    const { charge, pay, hold } = h.useCases();
    await charge.execute({ userId: 2, amount: 10_000, idempotencyKey: "c" });
    const r = await hold.execute({ userId: 2, scheduleId, seatNumbers: [3] });
    await sleep(Math.max(0, r.heldUntil.getTime() - Date.now()) + 50);
    expect((await h.reservations.find(r.id))!.status).toBe("HELD");
    expect((await pay.execute({ userId: 2, reservationId: r.id, idempotencyKey: "p" })).reservation.status).toBe("CONFIRMED");
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE message_key = ? AND event_type = 'SeatsHeld'", [String(r.id)])).toBe(1);
  });

  it("a seat taken since: FAILED_PRECONDITION, nothing charged, no payment, the new holder keeps it", async () => {
    const { scheduleId } = await h.seedSchedule();
    await h.createUsers([3, 4]);
    const { charge, pay, hold } = h.useCases();
    await charge.execute({ userId: 3, amount: 30_000, idempotencyKey: "c" });
    const r = await expiredHold(3, scheduleId, [1, 2]);
    const b = await hold.execute({ userId: 4, scheduleId, seatNumbers: [2] });
    await expect(pay.execute({ userId: 3, reservationId: r.id, idempotencyKey: "late" })).rejects.toMatchObject({
      code: "LATE_PAYMENT_REFUSED",
      message: expect.stringMatching(/nothing was charged/),
    });
    expect(await h.balances.get(3)).toBe(30_000);
    expect(await count("SELECT COUNT(*) AS n FROM payments WHERE reservation_id = ?", [r.id])).toBe(0);
    expect((await h.reservations.find(r.id))!.status).toBe("EXPIRED");
    const seats = await h.query<{ seat_number: number; status: string; reservation_id: number | null }>(
      "SELECT seat_number, status, reservation_id FROM seats WHERE schedule_id = ? AND seat_number IN (1, 2) ORDER BY seat_number",
      [scheduleId],
    );
    // All or nothing: seat 1 (still free) was not re-taken either.
    expect(seats.map((s) => [s.status, s.reservation_id === null ? null : Number(s.reservation_id)])).toEqual([["AVAILABLE", null], ["HELD", b.id]]);
  });

  it("after the grace period a late Pay is refused as an expired hold", async () => {
    const short = await createBookingHarness({ holdTtlSeconds: 1, latePayGraceSeconds: 1 });
    try {
      const { scheduleId } = await short.seedSchedule();
      await short.createUsers([5]);
      const { charge, pay, hold } = short.useCases();
      await charge.execute({ userId: 5, amount: 10_000, idempotencyKey: "c" });
      const r = await hold.execute({ userId: 5, scheduleId, seatNumbers: [1] });
      await sleep(Math.max(0, r.heldUntil.getTime() - Date.now()) + 1_100);
      await expect(pay.execute({ userId: 5, reservationId: r.id, idempotencyKey: "p" })).rejects.toMatchObject({ code: "HOLD_EXPIRED" });
      expect(await short.balances.get(5)).toBe(10_000);
    } finally {
      await short.close();
    }
  });

  /**
   * 20 expired one-seat reservations; for each seat, its former holder pays late while a new fan holds the
   * same seat and pays, all at once. Each seat is sold exactly once; the loser of a pair is charged nothing.
   * Head starts alternate by seat so both sides win some seats; on a loaded machine one side can still win
   * them all, so rounds repeat with a growing head start until both paths have run under the race.
   */
  async function raceRound(round: number, headStartMs: number) {
    const n = 20;
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: n, price: 10_000 }]);
    const late = Array.from({ length: n }, (_, i) => 1000 * round + i);
    const fresh = Array.from({ length: n }, (_, i) => 1000 * round + 500 + i);
    await h.createUsers([...late, ...fresh]);
    const setup = h.useCases();
    for (const u of [...late, ...fresh]) await setup.charge.execute({ userId: u, amount: 10_000, idempotencyKey: `c${u}` });
    const expired = [];
    for (let i = 0; i < n; i++) expired.push(await setup.hold.execute({ userId: late[i], scheduleId, seatNumbers: [i + 1] }));
    await sleep(1_100);
    await setup.release.execute(new Date());

    const start = (i: number, side: "late" | "fresh") => sleep(Math.random() * 10 + ((i % 2 === 0) === (side === "late") ? 0 : headStartMs));
    const tasks = expired.flatMap((r, i) => [
      async () => {
        await start(i, "late");
        await h.useCases().pay.execute({ userId: late[i], reservationId: r.id, idempotencyKey: "late" });
        return "late";
      },
      async () => {
        await start(i, "fresh");
        const uc = h.useCases();
        const b = await uc.hold.execute({ userId: fresh[i], scheduleId, seatNumbers: [i + 1] });
        await uc.pay.execute({ userId: fresh[i], reservationId: b.id, idempotencyKey: "p" });
        return "fresh";
      },
    ]);
    const { ok, codes } = await outcomes<string>(tasks);
    expect(ok.length).toBe(n);
    // Losers: the late payer finds the seat taken, or the new holder finds it re-held.
    expect((codes.LATE_PAYMENT_REFUSED ?? 0) + (codes.SEAT_TAKEN ?? 0)).toBe(n);
    const perSeat = await confirmedPerSeat(scheduleId);
    expect(perSeat.length).toBe(n);
    expect(perSeat.every((s) => Number(s.n) === 1)).toBe(true);
    const paid = await count("SELECT COUNT(*) AS n FROM payments p JOIN reservations r ON r.id = p.reservation_id WHERE r.schedule_id = ?", [scheduleId]);
    expect(paid).toBe(n);
    const charged = await count("SELECT COUNT(*) AS n FROM balances WHERE user_id IN (?) AND balance = 0", [[...late, ...fresh]]);
    expect(charged).toBe(n);
    expect(await ledgerMismatches()).toEqual([]);
    return { lateWon: ok.filter((w) => w === "late").length, lateRefused: codes.LATE_PAYMENT_REFUSED ?? 0 };
  }

  it("race with a new holder of the same seat: each seat sold once, the loser charged nothing, both paths run", async () => {
    let lateWon = 0;
    let lateRefused = 0;
    for (let round = 1, head = 15; round <= 5 && (lateWon === 0 || lateRefused === 0); round++, head *= 3) {
      const r = await raceRound(round, head);
      lateWon += r.lateWon;
      lateRefused += r.lateRefused;
    }
    // Both paths ran under the race: late payments that re-took their seat, and ones refused because a new holder had it.
    expect(lateWon).toBeGreaterThan(0);
    expect(lateRefused).toBeGreaterThan(0);
  }, 120_000);

  it("negative control: without the re-take guard a late payment sells a seat a new holder has paid for", async () => {
    const { scheduleId } = await h.seedSchedule();
    await h.createUsers([300, 301]);
    const on = h.useCases();
    await on.charge.execute({ userId: 300, amount: 10_000, idempotencyKey: "c" });
    await on.charge.execute({ userId: 301, amount: 10_000, idempotencyKey: "c" });
    const r = await expiredHold(300, scheduleId, [9]);
    const b = await on.hold.execute({ userId: 301, scheduleId, seatNumbers: [9] });
    await on.pay.execute({ userId: 301, reservationId: b.id, idempotencyKey: "p" });
    // The guarded late Pay refuses...
    await expect(on.pay.execute({ userId: 300, reservationId: r.id, idempotencyKey: "late" })).rejects.toMatchObject({ code: "LATE_PAYMENT_REFUSED" });
    // ...the unguarded one (plain UPDATE, no live-seat key) takes the money and sells seat 9 a second time.
    await h.useCases("off").pay.execute({ userId: 300, reservationId: r.id, idempotencyKey: "late-off" });
    const perSeat = await confirmedPerSeat(scheduleId);
    expect(perSeat.find((s) => s.seat_number === 9)?.n).toBe(2);
  });
});
