import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ReservationStatus } from "../../gen/concert/v1/reservation_pb.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { fan, seedConcert } from "../support/booking-api.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { BookingSimulator } from "../outbox/support/booking-simulator.js";
import { waitForProjection } from "./support/sales.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The sales projection (Kafka consumer) counts waiting-list offers as held seats and late payments as
 * sold seats and revenue (issue 14 item 7), checked against the database at each step.
 */
describe("sales projection: offers and late payments", () => {
  let srv: TestServer;
  let sim: BookingSimulator;
  beforeAll(async () => {
    srv = await startTestServer({ holdTtlSeconds: 120, latePayGraceSeconds: 60 });
    sim = new BookingSimulator(srv.app.infra.db, new SequelizeOutboxWriter(srv.app.infra.db));
  });
  afterAll(async () => srv?.close());

  it("an offer is held, a paid offer and a late payment are sold and revenue, each counted once", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url, [{ grade: "R", count: 4, price: 10_000n }]);
    const admin = clientFor(AdminService, srv.url, { headers: await bearer(1, { admin: true }) });
    const sid = BigInt(scheduleId);
    const a = await fan(srv.url, 900, concertId);
    const w = await fan(srv.url, 901);
    await a.payments.chargeBalance({ amount: 100_000n, idempotencyKey: "c" });
    await w.payments.chargeBalance({ amount: 100_000n, idempotencyKey: "c" });
    const r1 = (await a.reservations.holdSeats({ scheduleId: sid, seatNumbers: [1, 2] })).reservation!;
    const r2 = (await a.reservations.holdSeats({ scheduleId: sid, seatNumbers: [3, 4] })).reservation!;
    await w.reservations.joinWaitingList({ scheduleId: sid, seatCount: 2 });

    // Cancel: seats 1-2 become W's offer (held by W).
    await a.reservations.cancelReservation({ reservationId: r1.id });
    expect(await waitForProjection(admin, sim, concertId)).toMatchObject({ held: 4, sold: 0, revenue: 0 });

    // r2 lapses and the sweeper releases it (nobody waits any more): held 2.
    await srv.app.infra.db.query("UPDATE reservations SET held_until = NOW(3) - INTERVAL 1 SECOND WHERE id = ?", { replacements: [Number(r2.id)] });
    for (let i = 0; i < 50; i++) {
      if ((await a.reservations.getReservation({ reservationId: r2.id })).reservation!.status === ReservationStatus.EXPIRED) break;
      await sleep(200);
    }
    expect(await waitForProjection(admin, sim, concertId)).toMatchObject({ held: 2, sold: 0, revenue: 0 });

    // A pays r2 late (re-held and confirmed), W pays the offer.
    await a.payments.pay({ reservationId: r2.id, idempotencyKey: "late" });
    const offer = (await w.reservations.getWaitingListEntry({ scheduleId: sid })).entry!.offeredReservationId;
    await w.payments.pay({ reservationId: offer, idempotencyKey: "p" });
    expect(await waitForProjection(admin, sim, concertId)).toMatchObject({ held: 0, sold: 4, revenue: 40_000 });
  });
});
