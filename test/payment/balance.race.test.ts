import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBookingHarness, outcomes, type BookingHarness } from "../support/booking-harness.js";

describe("balance and payment under concurrency (real MySQL + Redis)", () => {
  let h: BookingHarness;
  beforeAll(async () => {
    h = await createBookingHarness();
  });
  afterAll(async () => h?.close());

  const ledgerSum = async (userId: number) =>
    Number((await h.query<{ s: number | null }>("SELECT COALESCE(SUM(delta), 0) AS s FROM balance_ledger WHERE user_id = ?", [userId]))[0].s);

  it("10 concurrent Pay calls on one reservation (different keys) charge it exactly once", async () => {
    const userId = 501;
    await h.createUsers([userId]);
    const { scheduleId, concertId } = await h.seedSchedule([{ grade: "VIP", count: 10, price: 30_000 }]);
    const { hold, charge, pay } = h.useCases();
    await charge.execute({ userId, amount: 100_000, idempotencyKey: "topup" });
    const r = await hold.execute({ userId, scheduleId, seatNumbers: [1, 2] });
    const paid = await outcomes(Array.from({ length: 10 }, (_, i) => () => pay.execute({ userId, reservationId: r.id, idempotencyKey: `pay-${i}` })));
    expect(paid.codes).toEqual({ OK: 1, RESERVATION_NOT_HELD: 9 });
    expect(await h.balances.get(userId)).toBe(40_000);
    expect(await ledgerSum(userId)).toBe(40_000);
    const payments = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM payments WHERE reservation_id = ?", [r.id]);
    expect(Number(payments[0].n)).toBe(1);
    const seats = await h.query<{ status: string }>("SELECT status FROM seats WHERE reservation_id = ? ORDER BY seat_number", [r.id]);
    expect(seats.map((s) => s.status)).toEqual(["SOLD", "SOLD"]);
    const events = await h.query<{ event_type: string; message_key: string }>(
      "SELECT event_type, message_key FROM outbox WHERE event_type IN ('ReservationConfirmed', 'PaymentCompleted') ORDER BY id",
    );
    expect(events).toEqual([
      { event_type: "ReservationConfirmed", message_key: String(r.id) },
      { event_type: "PaymentCompleted", message_key: String(userId) },
    ]);
    expect(h.ended).toContainEqual({ concertId, userId });
    expect((await h.seatStatuses.read(scheduleId))?.get(1) ?? "no hash").toMatch(/SOLD|no hash/);
  });

  it("negative control: without the row lock and unique guard, the same 10 Pays charge more than once", async () => {
    const userId = 502;
    await h.createUsers([userId]);
    const { scheduleId } = await h.seedSchedule([{ grade: "VIP", count: 10, price: 30_000 }]);
    const safe = h.useCases();
    await safe.charge.execute({ userId, amount: 1_000_000, idempotencyKey: "topup" });
    const r = await safe.hold.execute({ userId, scheduleId, seatNumbers: [1] });
    const { pay } = h.useCases("off");
    const paid = await outcomes(Array.from({ length: 10 }, (_, i) => () => pay.execute({ userId, reservationId: r.id, idempotencyKey: `pay-${i}` })));
    expect(paid.codes.OK).toBeGreaterThan(1);
    // More than one Pay went through for one reservation: each one took the money in the books.
    const taken = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM balance_ledger WHERE user_id = ? AND reason = 'PAYMENT'", [userId]);
    expect(Number(taken[0].n)).toBeGreaterThan(1);
    const completed = await h.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'PaymentCompleted' AND message_key = ?", [String(userId)]);
    expect(Number(completed[0].n)).toBeGreaterThan(1);
  });

  it("100 concurrent charges and payments on one user: balance == charges - payments, never below zero", async () => {
    const userId = 503;
    await h.createUsers([userId]);
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 60, price: 7_000 }]);
    const { hold, charge, pay } = h.useCases();
    const holds: Array<{ id: number }> = [];
    for (let i = 0; i < 50; i++) holds.push(await hold.execute({ userId, scheduleId, seatNumbers: [i + 1] }));
    // 50 charges of 3,000 (150,000 in all) race 50 payments of 7,000 (350,000 if all went through):
    // some payments must be refused for lack of money, and none may drive the balance negative.
    const tasks: Array<() => Promise<unknown>> = [];
    for (let i = 0; i < 50; i++) {
      tasks.push(() => charge.execute({ userId, amount: 3_000, idempotencyKey: `c-${i}` }));
      tasks.push(() => pay.execute({ userId, reservationId: holds[i].id, idempotencyKey: `p-${i}` }));
    }
    const r = await outcomes(tasks);
    expect(r.codes.OK).toBeGreaterThan(50);
    expect(r.codes.INSUFFICIENT_BALANCE).toBeGreaterThan(0);
    expect(Object.keys(r.codes).sort()).toEqual(["INSUFFICIENT_BALANCE", "OK"]);
    const paidCount = r.codes.OK - 50;
    const balance = await h.balances.get(userId);
    expect(balance).toBe(150_000 - paidCount * 7_000);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(await ledgerSum(userId)).toBe(balance);
    const payments = await h.query<{ s: number }>("SELECT COALESCE(SUM(amount), 0) AS s FROM payments WHERE user_id = ?", [userId]);
    expect(Number(payments[0].s)).toBe(paidCount * 7_000);
  });

  it("negative control: read-modify-write charges lose updates", async () => {
    const userId = 504;
    await h.createUsers([userId]);
    const { charge } = h.useCases("off");
    await outcomes(Array.from({ length: 100 }, (_, i) => () => charge.execute({ userId, amount: 1_000, idempotencyKey: `c-${i}` })));
    expect(await h.balances.get(userId)).toBeLessThan(100_000);
  });

  it("a repeated key returns the first result with no second effect; another request with it is refused", async () => {
    const userId = 505;
    await h.createUsers([userId]);
    const { charge, pay, hold } = h.useCases();
    // Concurrent retries of one key: one effect, everyone sees the same answer.
    const same = await outcomes(Array.from({ length: 10 }, () => () => charge.execute({ userId, amount: 5_000, idempotencyKey: "k1" })));
    expect(same.codes).toEqual({ OK: 10 });
    expect(new Set(same.ok)).toEqual(new Set([5_000]));
    await charge.execute({ userId, amount: 1_000, idempotencyKey: "k2" });
    expect(await charge.execute({ userId, amount: 5_000, idempotencyKey: "k1" })).toBe(5_000);
    expect(await h.balances.get(userId)).toBe(6_000);
    await expect(charge.execute({ userId, amount: 7_000, idempotencyKey: "k1" })).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });

    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 4, price: 2_000 }]);
    const r = await hold.execute({ userId, scheduleId, seatNumbers: [1] });
    const first = await pay.execute({ userId, reservationId: r.id, idempotencyKey: "pay-1" });
    const again = await pay.execute({ userId, reservationId: r.id, idempotencyKey: "pay-1" });
    expect(again).toEqual(first);
    expect(await h.balances.get(userId)).toBe(4_000);
    // The RPC name is part of the request hash: a charge key cannot be replayed as a payment.
    await expect(pay.execute({ userId, reservationId: r.id, idempotencyKey: "k2" })).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    // Keys are per user: another user's "pay-1" is a fresh key.
    await h.createUsers([506]);
    expect(await charge.execute({ userId: 506, amount: 1, idempotencyKey: "pay-1" })).toBe(1);
  });

  it("a failed Pay stores nothing: after charging, the same key succeeds", async () => {
    const userId = 507;
    await h.createUsers([userId]);
    const { charge, pay, hold } = h.useCases();
    const { scheduleId } = await h.seedSchedule([{ grade: "R", count: 4, price: 9_000 }]);
    const r = await hold.execute({ userId, scheduleId, seatNumbers: [2] });
    await expect(pay.execute({ userId, reservationId: r.id, idempotencyKey: "p" })).rejects.toMatchObject({
      code: "INSUFFICIENT_BALANCE",
      message: expect.stringContaining("ChargeBalance"),
    });
    await charge.execute({ userId, amount: 9_000, idempotencyKey: "c" });
    const paid = await pay.execute({ userId, reservationId: r.id, idempotencyKey: "p" });
    expect(paid.reservation.status).toBe("CONFIRMED");
    expect(await h.balances.get(userId)).toBe(0);
  });
});
