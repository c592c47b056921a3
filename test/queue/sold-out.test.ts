import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdmissionMode } from "../../gen/concert/v1/admin_pb.js";
import { RedisQueueStore } from "../../server/queue/queue.store.redis.js";
import { EntryState } from "../../server/queue/entry-state.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { testRedis } from "../support/redis.js";
import { fan } from "../support/booking-api.js";
import { UnsafeSoldOutQueueStore } from "../support/unsafe-sold-out.queue-store.js";
import { adminClient, issue, newConcert, QueueState, queueClient, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const stats = async (concertId: number) => (await adminClient(server.url)).getQueueStats({ concertId: BigInt(concertId) });

type Fan = Awaited<ReturnType<typeof fan>>;

async function hold(f: Fan, scheduleId: number, seats: number[]): Promise<bigint> {
  return (await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: seats })).reservation!.id;
}

async function pay(f: Fan, reservationId: bigint): Promise<void> {
  await f.payments.chargeBalance({ amount: 1_000_000n, idempotencyKey: `c-${reservationId}` });
  await f.payments.pay({ reservationId, idempotencyKey: `p-${reservationId}` });
}

describe("inventory-aware admission and sold-out (SPEC 7.3)", () => {
  it("admits nobody while every seat is held (estimate unset), resumes when a hold comes back, and ends the line when every seat is sold", async () => {
    const { concertId, scheduleId } = await newConcert(server.url); // 10 seats
    await setMaxActive(server.url, concertId, 4);
    const f1 = await fan(server.url, 1, concertId);
    const f2 = await fan(server.url, 2, concertId);
    const f6 = await fan(server.url, 6, concertId);
    const a = await hold(f1, scheduleId, [1, 2, 3, 4]);
    const b1 = await hold(f2, scheduleId, [5, 6, 7, 8]);
    const b2 = await hold(f6, scheduleId, [9, 10]);
    expect(await stats(concertId)).toMatchObject({ seatsFree: 0n, seatsHeld: 10n, seatsSold: 0n, soldOut: false });
    // A slot is free but no seat is: nobody new is admitted, and the estimate says so (unset).
    await new Promise((r) => setTimeout(r, 500)); // a ticker pass sees the inventory
    const waiter = await issue(server.url, concertId, 3);
    await new Promise((r) => setTimeout(r, 800));
    const held = await statusOf(server.url, 3, waiter.token);
    expect(held.state).toBe(QueueState.WAITING);
    expect(held.estimatedWaitSeconds).toBeUndefined();
    expect((await stats(concertId)).effectiveMaxActive).toBe(0);
    // Held seats come back (a cancel): admission resumes.
    await f1.reservations.cancelReservation({ reservationId: a });
    await waitFor(async () => (await statusOf(server.url, 3, waiter.token)).state === QueueState.ACTIVE, 2_000, "admission to resume");

    // Sell everything: the waiter turns SOLD_OUT within a second, its stream ends with it, IssueToken answers it at once.
    const late = await issue(server.url, concertId, 4);
    expect(late.state).toBe(QueueState.WAITING);
    const stream = await queueClient(server.url, 4, late.token);
    const seen: QueueState[] = [];
    const ended = (async () => {
      for await (const r of stream.watchQueueStatus({})) seen.push(r.ticket!.state);
    })();
    const f3 = await fan(server.url, 3, concertId);
    await pay(f3, await hold(f3, scheduleId, [1, 2, 3, 4]));
    await pay(f2, b1);
    const lastSold = Date.now();
    await pay(f6, b2);
    const took = await waitFor(async () => (await statusOf(server.url, 4, late.token)).state === QueueState.SOLD_OUT, 1_500, "SOLD_OUT");
    expect(Date.now() - lastSold - took).toBeLessThanOrEqual(1_500);
    await ended; // the stream ends after SOLD_OUT
    expect(seen.at(-1)).toBe(QueueState.SOLD_OUT);
    const newcomer = await issue(server.url, concertId, 5);
    expect(newcomer.state).toBe(QueueState.SOLD_OUT);
    expect(newcomer.position).toBe(0n);
    expect(await stats(concertId)).toMatchObject({ seatsFree: 0n, seatsSold: 10n, soldOut: true, waiting: 0n });
  }, 60_000);

  it("AUTO sizes the active slots from the free seats and the seats bought per admitted fan, never above max_active", async () => {
    const { concertId, scheduleId } = await newConcert(server.url); // 10 seats
    const admin = await adminClient(server.url);
    const r = await admin.setQueuePolicy({ concertId: BigInt(concertId), maxActive: 50, mode: AdmissionMode.AUTO });
    expect(r.mode).toBe(AdmissionMode.AUTO);
    // Before any sale: one seat per fan, so 10 free seats = 10 slots (under max_active 50).
    await waitFor(async () => (await stats(concertId)).effectiveMaxActive === 10, 2_000, "10 slots");
    expect((await stats(concertId)).mode).toBe(AdmissionMode.AUTO);
    // Two fans admitted, one buys 4 seats and is done: 6 free ÷ (4 sold / 1 finished admission) = 1.5 -> 2 slots.
    await fan(server.url, 39, concertId); // stays ACTIVE (so the ticker keeps pacing this line)
    const f = await fan(server.url, 40, concertId);
    await pay(f, await hold(f, scheduleId, [1, 2, 3, 4]));
    const s = await stats(concertId);
    expect(s.seatsPerAdmittedFan).toBe(4);
    expect(s.effectiveMaxActive).toBe(2);
    // The cap is what admission obeys (the ticker re-sizes it within a tick of a sale): of 5 newcomers,
    // 1 joins fan 39 in the 2 slots.
    await new Promise((r) => setTimeout(r, 600));
    for (const u of [41, 42, 43, 44, 45]) await issue(server.url, concertId, u);
    await new Promise((r) => setTimeout(r, 800));
    expect(Number((await stats(concertId)).active)).toBe(2);
    // MANUAL again: max_active as set.
    await admin.setQueuePolicy({ concertId: BigInt(concertId), maxActive: 4, mode: AdmissionMode.MANUAL });
    await waitFor(async () => Number((await stats(concertId)).active) === 4, 2_000, "4 active");
  }, 60_000);
});

describe("sold-out is atomic with IssueToken", () => {
  async function race(unsafe: boolean): Promise<{ waiting: number; soldOut: number }> {
    // The store alone on its own key prefix: no server ticker paces this line (it would reopen a line whose seats are free).
    const redis = testRedis(`${server.config.redisKeyPrefix}race${unsafe ? "u" : "s"}:`);
    const concertId = 1;
    const opts = { activeTtlSeconds: 60, defaultMaxActive: 0 };
    const store = unsafe ? new UnsafeSoldOutQueueStore(redis, opts, 300) : new RedisQueueStore(redis, opts);
    const users = Array.from({ length: 300 }, (_, i) => 20_000 + i);
    const entering = Promise.all(users.map(async (u, i) => {
      await new Promise((r) => setTimeout(r, (i * 2) % 600));
      return { u, e: await store.enter(concertId, u) };
    }));
    await new Promise((r) => setTimeout(r, 100));
    await store.markSoldOut(concertId);
    const entries = await entering;
    const states = await Promise.all(entries.map(({ u, e }) => store.status(concertId, u, e.entryId)));
    redis.disconnect();
    return { waiting: states.filter((s) => s.state === EntryState.Waiting).length, soldOut: states.filter((s) => s.state === EntryState.SoldOut).length };
  }

  it("every fan racing the end of the line ends SOLD_OUT: none is left WAITING", async () => {
    const r = await race(false);
    expect(r.waiting).toBe(0);
    expect(r.soldOut).toBe(300);
  });

  it("negative control: ending the line as separate commands leaves fans WAITING in a line that never moves", async () => {
    const r = await race(true);
    expect(r.waiting).toBeGreaterThan(0);
  });
});
