import { describe, expect, it } from "vitest";
import { Pay } from "../../server/payment/pay.js";
import type { Reservation } from "../../server/reservation/reservation.js";
import type { SeatHoldGate } from "../../server/seats/seat-hold.gate.js";
import { inMemoryPaymentPorts } from "../support/in-memory/payment-ports.js";

const now = new Date("2030-01-01T00:00:00Z");
const hold = (id: number, userId: number, totalPrice: number): Reservation => ({
  id, userId, concertId: 1, scheduleId: 2, seatNumbers: [id], totalPrice, status: "HELD",
  heldUntil: new Date(now.getTime() + 60_000), createdAt: now,
});

function setup(balance: number, opts: { redisDown?: boolean } = {}) {
  const ports = inMemoryPaymentPorts([hold(1, 7, 30_000)], { 7: balance });
  const sold: number[][] = [];
  const ended: number[] = [];
  const gate = {
    release: async (_s: number, seats: number[]) => {
      if (opts.redisDown) throw new Error("redis down");
      sold.push(seats);
    },
  } as unknown as SeatHoldGate;
  const pay = new Pay({
    tx: ports.tx, reservations: ports.payable, balances: ports.balances, payments: ports.payments,
    idempotency: ports.idempotency, outbox: ports.outbox, gate,
    sessions: { end: async (_c, userId) => void ended.push(userId) },
    clock: () => now,
  });
  return { pay, ports, sold, ended };
}

describe("Pay with in-memory ports (fast tier)", () => {
  it("confirms the hold, takes the balance, emits PaymentCompleted, sells the seats and ends the queue token", async () => {
    const { pay, ports, sold, ended } = setup(50_000);
    const r = await pay.execute({ userId: 7, reservationId: 1, idempotencyKey: "k1" });
    expect(r.reservation.status).toBe("CONFIRMED");
    expect(r.payment).toMatchObject({ reservationId: 1, userId: 7, amount: 30_000 });
    expect(ports.state().balance[7]).toBe(20_000);
    expect(ports.state().outbox.map((e) => e.type)).toEqual(["PaymentCompleted"]);
    expect(sold).toEqual([[1]]);
    expect(ended).toEqual([7]);
  });

  it("refuses a short balance with INSUFFICIENT_BALANCE and keeps nothing", async () => {
    const { pay, ports } = setup(10_000);
    await expect(pay.execute({ userId: 7, reservationId: 1, idempotencyKey: "k1" })).rejects.toMatchObject({ code: "INSUFFICIENT_BALANCE" });
    expect(ports.state().balance[7]).toBe(10_000);
    expect(ports.state().payments).toEqual([]);
    expect(ports.state().keys.size).toBe(0);
  });

  it("replays the first result for a repeated key, with no second charge", async () => {
    const { pay, ports } = setup(100_000);
    const first = await pay.execute({ userId: 7, reservationId: 1, idempotencyKey: "k1" });
    const again = await pay.execute({ userId: 7, reservationId: 1, idempotencyKey: "k1" });
    expect(again).toEqual(first);
    expect(ports.state().balance[7]).toBe(70_000);
    await expect(pay.execute({ userId: 7, reservationId: 2, idempotencyKey: "k1" })).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("a Redis outage after the commit does not turn a paid order into an error", async () => {
    const { pay, ports } = setup(30_000, { redisDown: true });
    await expect(pay.execute({ userId: 7, reservationId: 1, idempotencyKey: "k1" })).resolves.toMatchObject({ reservation: { status: "CONFIRMED" } });
    expect(ports.state().balance[7]).toBe(0);
  });
});
