import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBookingHarness, outcomes, type BookingHarness } from "../support/booking-harness.js";

/**
 * The waiting list against the real MySQL and Redis (SPEC 7.3, issue 14 item 5): offers in list order
 * with the fit rule, offers passing on after expiry, and exactly-once offering when several
 * processes free seats of one schedule at the same moment (with its negative control).
 */
describe("waiting list: offers of freed seats (real MySQL + Redis)", () => {
  let h: BookingHarness;
  beforeAll(async () => {
    h = await createBookingHarness();
  });
  afterAll(async () => h?.close());

  const entryOf = async (scheduleId: number, userId: number) => h.useCases().entry.execute({ scheduleId, userId });
  const liveSeatConflicts = (scheduleId: number) =>
    h.query<{ seat_number: number; n: number }>(
      `SELECT rs.seat_number, COUNT(*) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE rs.schedule_id = ? AND r.status IN ('HELD', 'CONFIRMED') GROUP BY rs.seat_number HAVING COUNT(*) > 1`,
      [scheduleId],
    );
  const offersPerEntry = (scheduleId: number) =>
    h.query<{ entry: number; n: number }>(
      `SELECT waiting_list_entry_id AS entry, COUNT(*) AS n FROM reservations
       WHERE schedule_id = ? AND waiting_list_entry_id IS NOT NULL GROUP BY waiting_list_entry_id`,
      [scheduleId],
    );

  it("offers in list order the lowest free seats to the first entrant whose count fits; others keep their place", async () => {
    const { scheduleId } = await h.seedSchedule([{ grade: "VIP", count: 2, price: 20_000 }, { grade: "R", count: 2, price: 10_000 }]);
    await h.createUsers([1, 2, 3, 4, 10, 11, 12]);
    const { hold, cancel, join, release, pay, charge } = h.useCases();
    // While a seat is AVAILABLE the list is closed: the fan should hold seats instead.
    await expect(join.execute({ userId: 10, scheduleId, seatCount: 3 })).rejects.toMatchObject({ code: "SEATS_STILL_AVAILABLE" });
    const holds = [];
    for (const n of [1, 2, 3, 4]) holds.push(await hold.execute({ userId: n, scheduleId, seatNumbers: [n] }));
    const e10 = await join.execute({ userId: 10, scheduleId, seatCount: 3 });
    const e11 = await join.execute({ userId: 11, scheduleId, seatCount: 1 });
    const e12 = await join.execute({ userId: 12, scheduleId, seatCount: 2 });
    expect([e10, e11, e12].map((e) => [e.state, e.position])).toEqual([["WAITING", 1], ["WAITING", 2], ["WAITING", 3]]);
    // Joining again returns the same entry (no second place).
    expect((await join.execute({ userId: 11, scheduleId, seatCount: 1 })).id).toBe(e11.id);

    // One seat freed: 10 wants 3 (does not fit), 11 wants 1 (fits) and gets seat 1.
    await cancel.execute({ userId: 1, reservationId: holds[0].id });
    const o11 = await entryOf(scheduleId, 11);
    expect(o11.state).toBe("OFFERED");
    const offer11 = (await h.reservations.find(o11.reservationId!))!;
    expect(offer11).toMatchObject({ userId: 11, status: "HELD", seatNumbers: [1], totalPrice: 20_000, waitingListEntryId: e11.id });
    expect((await entryOf(scheduleId, 10)).position).toBe(1);
    expect((await entryOf(scheduleId, 12)).position).toBe(2);
    const events = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'SeatsOffered' AND message_key = ?", [String(offer11.id)]);
    expect(Number(events[0].n)).toBe(1);
    // Redis follows: the offered seat is held by its new holder.
    expect(await h.gate.tryHold(scheduleId, [1], 99, 10_000)).toEqual([1]);

    // Seat 2 freed: one free seat fits nobody left (3 and 2 wanted), so it stays AVAILABLE.
    await cancel.execute({ userId: 2, reservationId: holds[1].id });
    expect((await entryOf(scheduleId, 12)).state).toBe("WAITING");
    // Seat 3 freed: seats 2 and 3 fit 12 (wants 2) but not 10 (wants 3).
    await cancel.execute({ userId: 3, reservationId: holds[2].id });
    const o12 = await entryOf(scheduleId, 12);
    expect(o12.state).toBe("OFFERED");
    expect((await h.reservations.find(o12.reservationId!))!.seatNumbers).toEqual([2, 3]);

    // 11 pays its offer (no queue token is involved at this level): PURCHASED.
    await charge.execute({ userId: 11, amount: 20_000, idempotencyKey: "c" });
    await pay.execute({ userId: 11, reservationId: offer11.id, idempotencyKey: "p" });
    expect((await entryOf(scheduleId, 11)).state).toBe("PURCHASED");

    // 12 lets the offer lapse, and 4's hold lapses too: seats 2, 3, 4 pass on to 10 (wants 3).
    const later = new Date(Date.now() + 301_000);
    expect(await release.execute(later)).toBeGreaterThanOrEqual(2);
    expect((await entryOf(scheduleId, 12)).state).toBe("OFFER_EXPIRED");
    const o10 = await entryOf(scheduleId, 10);
    expect(o10.state).toBe("OFFERED");
    expect((await h.reservations.find(o10.reservationId!))!.seatNumbers).toEqual([2, 3, 4]);
    expect(await liveSeatConflicts(scheduleId)).toEqual([]);
  });

  it("leave: a WAITING fan leaves; a fan with an open offer is told to pay or cancel it", async () => {
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 1, price: 10_000 }]);
    await h.createUsers([20, 21, 22]);
    const { hold, cancel, join, leave } = h.useCases();
    const r = await hold.execute({ userId: 20, scheduleId, seatNumbers: [1] });
    await join.execute({ userId: 21, scheduleId, seatCount: 1 });
    await join.execute({ userId: 22, scheduleId, seatCount: 1 });
    expect((await leave.execute({ userId: 22, scheduleId })).state).toBe("LEFT");
    await expect(leave.execute({ userId: 22, scheduleId })).rejects.toMatchObject({ code: "WAITING_LIST_ENTRY_NOT_FOUND" });
    await cancel.execute({ userId: 20, reservationId: r.id });
    await expect(leave.execute({ userId: 21, scheduleId })).rejects.toMatchObject({ code: "WAITING_LIST_OFFER_OPEN" });
    // Declining the offer passes the seat on (nobody left waiting: it is AVAILABLE again).
    const offer = (await entryOf(scheduleId, 21)).reservationId!;
    await cancel.execute({ userId: 21, reservationId: offer });
    expect((await entryOf(scheduleId, 21)).state).toBe("DECLINED");
    const seat = await h.query<{ status: string }>("SELECT status FROM seats WHERE schedule_id = ? AND seat_number = 1", [scheduleId]);
    expect(seat[0].status).toBe("AVAILABLE");
  });

  /**
   * 24 one-seat holds of a sold-out schedule are freed at the same moment by cancels and by four
   * sweepers (each its own use-case instance, as separate processes would be), while 24 fans wait for
   * one seat each. Every fan gets exactly one offer and no seat is in two live reservations.
   */
  async function raceFreedSeats(guards: "on" | "off", round: number) {
    const seats = 24;
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: seats, price: 1_000 }]);
    const holders = Array.from({ length: seats }, (_, i) => 10_000 + round * 1000 + i);
    const waiters = Array.from({ length: seats }, (_, i) => 50_000 + round * 1000 + i);
    await h.createUsers([...holders, ...waiters]);
    const setup = h.useCases();
    const holds = [];
    for (let i = 0; i < seats; i++) holds.push(await setup.hold.execute({ userId: holders[i], scheduleId, seatNumbers: [i + 1] }));
    for (const w of waiters) await setup.join.execute({ userId: w, scheduleId, seatCount: 1 });
    // Half the holds are cancelled, half fall due for the sweepers (moved into the past).
    const due = holds.slice(seats / 2);
    await h.db.query("UPDATE reservations SET held_until = NOW(3) - INTERVAL 1 SECOND WHERE id IN (?)", { replacements: [due.map((r) => r.id)] });
    const tasks = [
      ...holds.slice(0, seats / 2).map((r) => () => h.useCases(guards).cancel.execute({ userId: r.userId, reservationId: r.id })),
      ...[0, 1, 2, 3].map(() => () => h.useCases(guards).release.execute(new Date())),
    ];
    const result = await outcomes<unknown>(tasks);
    return { scheduleId, result, conflicts: await liveSeatConflicts(scheduleId), perEntry: await offersPerEntry(scheduleId) };
  }

  it("exactly once: cancels and four sweepers freeing seats together offer each seat once and each fan once", async () => {
    const { scheduleId, result, conflicts, perEntry } = await raceFreedSeats("on", 1);
    expect(result.codes).toEqual({ OK: 16 });
    expect(conflicts).toEqual([]);
    expect(perEntry.length).toBe(24);
    expect(perEntry.every((e) => Number(e.n) === 1)).toBe(true);
    const offered = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'SeatsOffered' AND message_key IN (SELECT CAST(id AS CHAR) FROM reservations WHERE schedule_id = ? AND waiting_list_entry_id IS NOT NULL)", [scheduleId]);
    expect(Number(offered[0].n)).toBe(24);
    const states = await h.query<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM waiting_list_entries WHERE schedule_id = ? GROUP BY state", [scheduleId]);
    expect(states.map((s) => [s.state, Number(s.n)])).toEqual([["OFFERED", 24]]);
  });

  it("negative control: without the locks and conditional updates the same race offers a fan twice or a seat twice", async () => {
    let violations = 0;
    for (let round = 2; round <= 6 && violations === 0; round++) {
      const { conflicts, perEntry } = await raceFreedSeats("off", round);
      violations += conflicts.length + perEntry.filter((e) => Number(e.n) > 1).length;
    }
    expect(violations).toBeGreaterThan(0);
  });
});
