import { Code, ConnectError } from "@connectrpc/connect";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReservationStatus } from "../../gen/concert/v1/reservation_pb.js";
import { SeatStatus } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { fan, pool, seedConcert } from "../support/booking-api.js";

const codeOf = (e: unknown) => (e instanceof ConnectError ? Code[e.code] : String(e));
async function settle<T>(p: Promise<T>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return codeOf(e);
  }
}

describe("booking through the API (real server, MySQL, Redis, queue tokens)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    // Room for 250 ACTIVE fans per concert; holds long enough that no race outlives one (expiry has its own server).
    srv = await startTestServer({ holdTtlSeconds: 120, queueMaxActive: 250 });
  });
  afterAll(async () => srv?.close());

  it("the whole flow: list dates and seats, hold, charge, pay; the queue token ends after Pay", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const f = await fan(srv.url, 100, concertId);
    const { schedules } = await f.concerts.listSchedules({ concertId: BigInt(concertId), onlyAvailable: true });
    expect(schedules.map((s) => [Number(s.id), s.totalSeats, s.availableSeats])).toEqual([[scheduleId, 20, 20]]);
    const { seats } = await f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: true });
    expect(seats.length).toBe(20);
    expect(seats.slice(0, 5).map((s) => [s.number, s.grade, Number(s.price)])).toEqual([[1, "VIP", 150000], [2, "VIP", 150000], [3, "VIP", 150000], [4, "VIP", 150000], [5, "R", 90000]]);

    const { reservation } = await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [5, 4] });
    expect(reservation!.status).toBe(ReservationStatus.HELD);
    expect(reservation!.seatNumbers).toEqual([4, 5]);
    expect(Number(reservation!.totalPrice)).toBe(240_000);
    expect(Number(reservation!.userId)).toBe(100);
    expect(Number(reservation!.concertId)).toBe(concertId);
    const heldFor = timestampDate(reservation!.heldUntil!).getTime() - timestampDate(reservation!.createdAt!).getTime();
    expect(heldFor).toBe(120_000);

    // Seat statuses and counts follow the hold.
    const after = await f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: false });
    expect(after.seats.filter((s) => s.status === SeatStatus.HELD).map((s) => s.number)).toEqual([4, 5]);
    expect((await f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: true })).seats.length).toBe(18);
    expect((await f.concerts.listSchedules({ concertId: BigInt(concertId), onlyAvailable: false })).schedules[0].availableSeats).toBe(18);

    expect(Number((await f.payments.chargeBalance({ amount: 300_000n, idempotencyKey: "topup-1" })).balance)).toBe(300_000);
    const paid = await f.payments.pay({ reservationId: reservation!.id, idempotencyKey: "pay-1" });
    expect(paid.reservation!.status).toBe(ReservationStatus.CONFIRMED);
    expect(Number(paid.payment!.amount)).toBe(240_000);
    expect(Number((await f.payments.getBalance({})).balance)).toBe(60_000);

    const got = await f.reservations.getReservation({ reservationId: reservation!.id });
    expect(got.reservation!.status).toBe(ReservationStatus.CONFIRMED);
    const mine = await f.reservations.listMyReservations({});
    expect(mine.reservations.map((r) => r.id)).toEqual([reservation!.id]);
    // Balance needs no queue token.
    const jwtOnly = clientFor(PaymentService, srv.url, { headers: await bearer(100) });
    expect(Number((await jwtOnly.getBalance({})).balance)).toBe(60_000);

    // The token ended with the payment, so the next fan in line gets the slot.
    await expect(f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: false })).rejects.toMatchObject({ code: Code.Unauthenticated });
    // A Pay retried with the same key after the answer was lost still gets the first result, with no second charge...
    const retried = await f.payments.pay({ reservationId: reservation!.id, idempotencyKey: "pay-1" });
    expect(retried.payment!.id).toBe(paid.payment!.id);
    expect(Number((await f.payments.getBalance({})).balance)).toBe(60_000);
    // ...but the ended token admits nothing new: another key is refused.
    await expect(f.payments.pay({ reservationId: reservation!.id, idempotencyKey: "pay-2" })).rejects.toMatchObject({ code: Code.Unauthenticated });
    const sold = await (await fan(srv.url, 101, concertId)).concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: false });
    expect(sold.seats.filter((s) => s.status === SeatStatus.SOLD).map((s) => s.number)).toEqual([4, 5]);

    // Every change left its event in the outbox, in the same transaction.
    const [rows] = await srv.app.infra.db.query("SELECT event_type, message_key FROM outbox WHERE event_type <> 'TokenIssued' ORDER BY id");
    expect(rows).toEqual([
      { event_type: "SeatsHeld", message_key: String(reservation!.id) },
      { event_type: "BalanceCharged", message_key: "100" },
      { event_type: "ReservationConfirmed", message_key: String(reservation!.id) },
      { event_type: "PaymentCompleted", message_key: "100" },
    ]);
  });

  it("200 admitted fans race for one seat through the API: exactly 1 success, 199 ALREADY_EXISTS", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const fans = await pool(Array.from({ length: 200 }, (_, i) => 2000 + i), 10, (id) => fan(srv.url, id, concertId));
    const results = await Promise.all(fans.map((f) => settle(f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [10] }))));
    const counts = results.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
    expect(counts).toEqual({ OK: 1, AlreadyExists: 199 });
    const [rows] = await srv.app.infra.db.query(
      `SELECT COUNT(*) AS n FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
       WHERE rs.schedule_id = ${scheduleId} AND rs.seat_number = 10 AND r.status = 'HELD'`,
    );
    expect(Number((rows as Array<{ n: number }>)[0].n)).toBe(1);
  });

  it("an unpaid hold expires by itself within 5 s of held_until, and Pay then (no late-payment grace) says FAILED_PRECONDITION", async () => {
    const short = await startTestServer({ holdTtlSeconds: 2, latePayGraceSeconds: 0 });
    try {
      await expiresUnpaid(short.url);
    } finally {
      await short.close();
    }
  });

  async function expiresUnpaid(url: string) {
    const { concertId, scheduleId } = await seedConcert(url);
    const f = await fan(url, 300, concertId);
    await f.payments.chargeBalance({ amount: 1_000_000n, idempotencyKey: "t" });
    const { reservation } = await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1] });
    const until = timestampDate(reservation!.heldUntil!).getTime();
    let status = reservation!.status;
    while (status === ReservationStatus.HELD && Date.now() < until + 5_000) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await f.reservations.getReservation({ reservationId: reservation!.id })).reservation!.status;
    }
    expect(status).toBe(ReservationStatus.EXPIRED);
    const err = await f.payments.pay({ reservationId: reservation!.id, idempotencyKey: "late" }).catch((e) => e);
    expect(err).toMatchObject({ code: Code.FailedPrecondition });
    expect(err.rawMessage).toMatch(/expired.*HoldSeats/);
    expect(Number((await f.payments.getBalance({})).balance)).toBe(1_000_000);
    const seat = (await f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: false })).seats.find((s) => s.number === 1);
    expect(seat!.status).toBe(SeatStatus.AVAILABLE);
  }

  it("cancel: the owner releases a hold, the seats are free again", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const a = await fan(srv.url, 400, concertId);
    const b = await fan(srv.url, 401, concertId);
    const { reservation } = await a.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [2, 3] });
    await expect(b.reservations.cancelReservation({ reservationId: reservation!.id })).rejects.toMatchObject({ code: Code.PermissionDenied });
    const cancelled = await a.reservations.cancelReservation({ reservationId: reservation!.id });
    expect(cancelled.reservation!.status).toBe(ReservationStatus.CANCELLED);
    const again = await b.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [3] });
    expect(again.reservation!.seatNumbers).toEqual([3]);
  });

  it("each code of SPEC's error table that booking can produce, with a message saying what to do", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const owner = await fan(srv.url, 500, concertId);
    const other = await fan(srv.url, 501, concertId);
    const { reservation } = await owner.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [7] });
    const rid = reservation!.id;
    const expectCode = async (p: Promise<unknown>, code: Code, message: RegExp) => {
      const e = await p.then(() => undefined, (x) => x);
      expect(e, `expected ${Code[code]}`).toBeInstanceOf(ConnectError);
      expect(Code[(e as ConnectError).code]).toBe(Code[code]);
      expect((e as ConnectError).rawMessage).toMatch(message);
      expect((e as ConnectError).rawMessage).not.toMatch(/SELECT|INSERT|UPDATE|at .*\.ts/);
    };
    // UNAUTHENTICATED: no JWT; JWT but no queue token on a token-guarded RPC.
    await expectCode(clientFor(PaymentService, srv.url).getBalance({}), Code.Unauthenticated, /Bearer/);
    const noToken = clientFor(ReservationService, srv.url, { headers: await bearer(500) });
    await expectCode(noToken.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [8] }), Code.Unauthenticated, /token/i);
    // PERMISSION_DENIED: another user's reservation.
    await expectCode(other.reservations.getReservation({ reservationId: rid }), Code.PermissionDenied, /another user.*ListMyReservations/);
    await expectCode(other.payments.pay({ reservationId: rid, idempotencyKey: "x" }), Code.PermissionDenied, /another user/);
    // INVALID_ARGUMENT: validation rules and a reused idempotency key.
    await expectCode(owner.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1, 2, 3, 4, 5] }), Code.InvalidArgument, /seat_numbers/);
    await expectCode(owner.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1, 1] }), Code.InvalidArgument, /seat_numbers/);
    await expectCode(owner.payments.chargeBalance({ amount: 0n, idempotencyKey: "z" }), Code.InvalidArgument, /amount/);
    await expectCode(owner.payments.chargeBalance({ amount: 10_000_001n, idempotencyKey: "z" }), Code.InvalidArgument, /amount/);
    await owner.payments.chargeBalance({ amount: 1_000n, idempotencyKey: "same" });
    expect(Number((await owner.payments.chargeBalance({ amount: 1_000n, idempotencyKey: "same" })).balance)).toBe(1_000);
    await expectCode(owner.payments.chargeBalance({ amount: 2_000n, idempotencyKey: "same" }), Code.InvalidArgument, /idempotency_key.*new key/);
    // NOT_FOUND: unknown schedule, seat, reservation.
    await expectCode(owner.concerts.listSeats({ scheduleId: 987_654n, onlyAvailable: false }), Code.NotFound, /ListSchedules/);
    await expectCode(owner.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [21] }), Code.NotFound, /seat 21.*ListSeats/);
    await expectCode(owner.reservations.getReservation({ reservationId: 987_654n }), Code.NotFound, /ListMyReservations/);
    // ALREADY_EXISTS: the seat is held.
    await expectCode(other.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [6, 7] }), Code.AlreadyExists, /seat 7.*only_available/);
    // FAILED_PRECONDITION: insufficient balance (the price is 90,000, the balance 1,000), then not HELD.
    await expectCode(owner.payments.pay({ reservationId: rid, idempotencyKey: "p" }), Code.FailedPrecondition, /ChargeBalance/);
    await owner.reservations.cancelReservation({ reservationId: rid });
    await expectCode(owner.reservations.cancelReservation({ reservationId: rid }), Code.FailedPrecondition, /CANCELLED, not HELD/);
  });

  it("MySQL down: booking RPCs answer UNAVAILABLE without leaking internals", async () => {
    const down = await startTestServer({ databaseUrl: "mysql://root@127.0.0.1:1/concert_unreachable", runWorkers: false });
    try {
      const e = await clientFor(PaymentService, down.url, { headers: await bearer(9) }).getBalance({}).catch((x) => x);
      expect(e).toMatchObject({ code: Code.Unavailable });
      expect(e.rawMessage).toMatch(/retry/);
      expect(e.rawMessage).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await down.close();
    }
  });

  it("timestamps in responses are real instants (held_until = created_at + HOLD_TTL_SECONDS)", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const f = await fan(srv.url, 600, concertId);
    const before = Date.now();
    const { reservation } = await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [11] });
    const created = timestampDate(reservation!.createdAt!).getTime();
    expect(created).toBeGreaterThanOrEqual(before - 5);
    expect(timestampFromDate(new Date(created + 120_000))).toEqual(reservation!.heldUntil);
  });
});
