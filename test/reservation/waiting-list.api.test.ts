import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReservationStatus, WaitingListState } from "../../gen/concert/v1/reservation_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { fan, seedConcert } from "../support/booking-api.js";

const codeOf = (e: unknown) => (e instanceof ConnectError ? e.code : e);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The waiting list and late payment through the API (SPEC 7.3): a fan with no queue token joins a
 * sold-out date, is offered freed seats and pays the offer without a token; a fan whose token has
 * ended pays late; tokens stay required for everything else.
 */
describe("waiting list and late payment through the API", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ holdTtlSeconds: 120, latePayGraceSeconds: 60, queueMaxActive: 50 });
  });
  afterAll(async () => srv?.close());

  it("join a sold-out date, get an offer when seats are freed, pay it without a queue token", async () => {
    const { admin, concertId, scheduleId } = await seedConcert(srv.url, [{ grade: "R", count: 2, price: 50_000n }]);
    const a = await fan(srv.url, 700, concertId);
    const w = await fan(srv.url, 701); // JWT only: never admitted
    const sid = BigInt(scheduleId);

    // Seats free: the list is closed and says what to do instead.
    const open = await w.reservations.joinWaitingList({ scheduleId: sid, seatCount: 1 }).catch((e) => e);
    expect(open).toMatchObject({ code: Code.FailedPrecondition });
    expect(open.rawMessage).toMatch(/HoldSeats/);

    const { reservation: held } = await a.reservations.holdSeats({ scheduleId: sid, seatNumbers: [1, 2] });
    // Validation, unknown schedule, no entry yet.
    expect(codeOf(await w.reservations.joinWaitingList({ scheduleId: sid, seatCount: 5 }).catch((e) => e))).toBe(Code.InvalidArgument);
    expect(codeOf(await w.reservations.joinWaitingList({ scheduleId: 999_999n, seatCount: 1 }).catch((e) => e))).toBe(Code.NotFound);
    expect(codeOf(await w.reservations.getWaitingListEntry({ scheduleId: sid }).catch((e) => e))).toBe(Code.NotFound);

    const { entry } = await w.reservations.joinWaitingList({ scheduleId: sid, seatCount: 1 });
    expect(entry).toMatchObject({ scheduleId: sid, seatCount: 1, position: 1, state: WaitingListState.WAITING, offeredReservationId: 0n });
    expect(await admin.getWaitingList({ scheduleId: sid })).toMatchObject({ waiting: 1n, seatsWanted: 1n, offers: [] });

    // A cancels: the lowest freed seat goes to W as a HELD reservation; seat 2 is free for anyone.
    await a.reservations.cancelReservation({ reservationId: held!.id });
    const offered = (await w.reservations.getWaitingListEntry({ scheduleId: sid })).entry!;
    expect(offered.state).toBe(WaitingListState.OFFERED);
    const { reservation: offer } = await w.reservations.getReservation({ reservationId: offered.offeredReservationId });
    expect(offer).toMatchObject({ status: ReservationStatus.HELD, seatNumbers: [1], totalPrice: 50_000n, userId: 701n });
    const view = await admin.getWaitingList({ scheduleId: sid });
    expect(view.waiting).toBe(0n);
    expect(view.offers.map((o) => [o.userId, o.reservationId, o.seatNumbers])).toEqual([[701n, offer!.id, [1]]]);

    // Someone else cannot pay or cancel the offer (the waiver is the owner's only).
    const x = await fan(srv.url, 702);
    expect(codeOf(await x.payments.pay({ reservationId: offer!.id, idempotencyKey: "x" }).catch((e) => e))).toBe(Code.Unauthenticated);
    // W pays without any queue token; a retry with the same key replays.
    await w.payments.chargeBalance({ amount: 50_000n, idempotencyKey: "c" });
    const paid = await w.payments.pay({ reservationId: offer!.id, idempotencyKey: "p" });
    expect(paid.reservation!.status).toBe(ReservationStatus.CONFIRMED);
    expect((await w.payments.pay({ reservationId: offer!.id, idempotencyKey: "p" })).payment!.id).toBe(paid.payment!.id);
    expect((await w.payments.getBalance({})).balance).toBe(0n);
    expect((await w.reservations.getWaitingListEntry({ scheduleId: sid })).entry!.state).toBe(WaitingListState.PURCHASED);
    expect(await admin.getWaitingList({ scheduleId: sid })).toMatchObject({ purchased: 1n, offers: [] });
  });

  it("an ordinary hold still needs an ACTIVE token to be paid or cancelled", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url, [{ grade: "R", count: 4, price: 10_000n }]);
    const a = await fan(srv.url, 710, concertId);
    const { reservation } = await a.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1] });
    const bare = await fan(srv.url, 710);
    await bare.payments.chargeBalance({ amount: 10_000n, idempotencyKey: "c" });
    expect(codeOf(await bare.payments.pay({ reservationId: reservation!.id, idempotencyKey: "p" }).catch((e) => e))).toBe(Code.Unauthenticated);
    expect(codeOf(await bare.reservations.cancelReservation({ reservationId: reservation!.id }).catch((e) => e))).toBe(Code.Unauthenticated);
  });

  it("late payment: after the sweeper released the hold and the fan left the queue, Pay with the ended token re-takes and confirms", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url, [{ grade: "R", count: 4, price: 10_000n }]);
    const a = await fan(srv.url, 720, concertId);
    await a.payments.chargeBalance({ amount: 10_000n, idempotencyKey: "c" });
    const { reservation } = await a.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [3] });
    // The hold lapses (moved into the past) and the sweeper releases it within a few seconds.
    await srv.app.infra.db.query("UPDATE reservations SET held_until = NOW(3) - INTERVAL 1 SECOND WHERE id = ?", { replacements: [Number(reservation!.id)] });
    let status = reservation!.status;
    for (let i = 0; i < 50 && status !== ReservationStatus.EXPIRED; i++) {
      await sleep(200);
      status = (await a.reservations.getReservation({ reservationId: reservation!.id })).reservation!.status;
    }
    expect(status).toBe(ReservationStatus.EXPIRED);
    // The fan's token ends (they left the line); a late Pay does not need it.
    await clientFor(QueueService, srv.url, { headers: { ...(await bearer(720)), "x-queue-token": a.token! } }).leaveQueue({});
    const paid = await a.payments.pay({ reservationId: reservation!.id, idempotencyKey: "late" });
    expect(paid.reservation!.status).toBe(ReservationStatus.CONFIRMED);
    expect((await a.payments.getBalance({})).balance).toBe(0n);
    // A retry after the answer was lost replays it.
    expect((await a.payments.pay({ reservationId: reservation!.id, idempotencyKey: "late" })).payment!.id).toBe(paid.payment!.id);
  });
});
