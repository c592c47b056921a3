import { Code, ConnectError } from "@connectrpc/connect";
import { Kafka, logLevel } from "kafkajs";
import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { SeatsHeldSchema, ReservationConfirmedSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent } from "../../server/outbox/outbox-event.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { SequelizeSalesProjectionStore, type ProjectedEvent } from "../../server/sales/sales-projection.store.js";
import { salesDeltaOf } from "../../server/sales/sales-delta.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { BookingSimulator } from "../outbox/support/booking-simulator.js";
import { hasAll, outboxRows, readUntil } from "../support/kafka-reader.js";
import { salesOf, waitForProjection } from "./support/sales.js";

describe("sales projection (shared broker, relay and consumer inside the server)", () => {
  let srv: TestServer;
  let sim: BookingSimulator;
  let admin: ReturnType<typeof clientFor<typeof AdminService>>;
  beforeAll(async () => {
    srv = await startTestServer();
    sim = new BookingSimulator(srv.app.infra.db, new SequelizeOutboxWriter(srv.app.infra.db));
    admin = clientFor(AdminService, srv.url, { headers: await bearer(1, { admin: true }) });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("GetSalesStats equals the database's held, sold and revenue per schedule and per concert", async () => {
    const { concertId, scheduleIds } = await sim.createConcert(3);
    const before = await salesOf(admin, concertId);
    expect(before).toEqual({ held: 0, sold: 0, revenue: 0, schedules: Object.fromEntries(scheduleIds.map((id) => [id, { held: 0, sold: 0, revenue: 0 }])) });

    let user = 100;
    await Promise.all(
      Array.from({ length: 3 }, async (_, c) => {
        for (let i = 0; i < 12; i++) await sim.session(user++, concertId, scheduleIds[(c + i) % 3]!, ((c * 12 + i) * 0.29) % 1);
      }),
    );
    const truth = await waitForProjection(admin, sim, concertId);
    // The workload must exercise every counter, or the comparison proves little.
    expect(truth.held).toBeGreaterThan(0);
    expect(truth.sold).toBeGreaterThan(0);
    expect(truth.revenue).toBe(truth.sold * 10_000);
    // A second concert's events never leak into the first one's numbers.
    const other = await sim.createConcert(1);
    await sim.session(900, other.concertId, other.scheduleIds[0]!, 0.1);
    await waitForProjection(admin, sim, other.concertId);
    expect(await salesOf(admin, concertId)).toEqual(truth);
  });

  it("absorbs redelivered events: the same event ids produced again change nothing", async () => {
    const { concertId, scheduleIds } = await sim.createConcert(1);
    for (let i = 0; i < 6; i++) await sim.session(200 + i, concertId, scheduleIds[0]!, i / 6);
    const truth = await waitForProjection(admin, sim, concertId);

    // Replay every message of this concert with its original headers, as a relay resend would.
    const ids = (await outboxRows(srv.app.infra.db)).map((r) => r.eventId);
    const topics = ["reservation-events", "payment-events"].map((t) => srv.config.kafkaTopicPrefix + t);
    const msgs = (await readUntil(srv.config.kafkaBrokers, topics, hasAll(ids))).filter((m) => m.value.includes(`"concertId":"${concertId}"`));
    expect(msgs.length).toBeGreaterThan(6);
    const kafka = new Kafka({ clientId: "test-replay", brokers: srv.config.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    for (const m of msgs) {
      await producer.send({
        topic: m.topic,
        messages: [{ key: m.key, value: m.value, headers: { "event-id": m.eventId, "event-type": m.eventType, "content-type": m.contentType } }],
      });
    }
    await producer.disconnect();
    const duplicates = async () => {
      const text = await srv.app.infra.metrics.registry.metrics();
      const line = text.split("\n").find((l) => l.startsWith('sales_projection_events_total{result="duplicate"}'));
      return line ? Number(line.split(" ").pop()) : 0;
    };
    await waitFor(async () => (await duplicates()) >= msgs.length, { timeoutMs: 30_000, what: "the consumer to see the replayed messages" });
    expect(await salesOf(admin, concertId)).toEqual(truth);
  });

  it("GetSalesStats is for operators only and names unknown concerts", async () => {
    const fan = clientFor(AdminService, srv.url, { headers: await bearer(5) });
    await expect(fan.getSalesStats({ concertId: 1n })).rejects.toMatchObject({ code: Code.PermissionDenied });
    const err = await admin.getSalesStats({ concertId: 987_654n }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({ code: Code.NotFound });
    expect((err as ConnectError).rawMessage).toMatch(/concert 987654 does not exist/);
    await expect(admin.getSalesStats({ concertId: 0n })).rejects.toMatchObject({ code: Code.InvalidArgument });
  });

  it("negative control: without the processed-events record a redelivered batch is counted twice", async () => {
    const db = srv.app.infra.db;
    const [concertId] = await db.query("INSERT INTO concerts (title, artist, venue, description, created_at, updated_at) VALUES ('N', 'N', 'N', '', NOW(3), NOW(3))", { type: QueryTypes.INSERT });
    const c = BigInt(concertId);
    const held = outboxEvent("reservation-events", 1, SeatsHeldSchema, { reservationId: 1n, concertId: c, scheduleId: 77n, seatNumbers: [1, 2] });
    const paid = outboxEvent("reservation-events", 1, ReservationConfirmedSchema, { reservationId: 1n, concertId: c, scheduleId: 77n, seatNumbers: [1, 2], totalPrice: 30_000n });
    const batch: ProjectedEvent[] = [held, paid].map((e) => ({ eventId: e.eventId, eventType: e.type, delta: salesDeltaOf(e.type, e.payload) }));
    const counts = async () =>
      (await db.query<{ held: number; sold: number; revenue: number }>("SELECT held, sold, revenue FROM sales_concert_stats WHERE concert_id = ?", { replacements: [concertId], type: QueryTypes.SELECT }))[0];

    const deduped = new SequelizeSalesProjectionStore(db, "on");
    expect(await deduped.apply(batch)).toBe(2);
    expect(await deduped.apply(batch)).toBe(0);
    expect(await counts()).toMatchObject({ held: 0, sold: 2, revenue: 30_000 });

    const naive = new SequelizeSalesProjectionStore(db, "off");
    await naive.apply(batch);
    expect(await counts()).toMatchObject({ held: 0, sold: 4, revenue: 60_000 });
  });
});
