import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { BookingSimulator } from "./support/booking-simulator.js";
import { FAULT_BROKERS, startFaultBroker, stopFaultBroker } from "./support/fault-broker.js";
import { hasAll, keysOutOfOrder, outboxRows, readUntil } from "../support/kafka-reader.js";
import { waitForProjection } from "../sales/support/sales.js";
import { apiConcert, apiSession } from "./support/api-booking.js";

const metric = async (srv: TestServer, name: string) => {
  const line = (await srv.app.infra.metrics.registry.metrics()).split("\n").find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.split(" ").pop());
};

describe("Kafka down while clients hold and pay (dedicated broker on 19092)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    await startFaultBroker();
    srv = await startTestServer({ kafkaBrokers: FAULT_BROKERS });
  }, 180_000);
  afterAll(async () => {
    await srv?.close();
    await stopFaultBroker();
  }, 60_000);

  it("keeps every event in MySQL while Kafka is down, reports it, and delivers all in per-key order once it is back", async () => {
    const db = srv.app.infra.db;
    const sim = new BookingSimulator(db, new SequelizeOutboxWriter(db));
    const admin = clientFor(AdminService, srv.url, { headers: await bearer(1, { admin: true }) });
    const { concertId, scheduleIds } = await sim.createConcert(2);

    // Clients keep booking for the whole test; the broker dies and returns underneath them.
    let writing = true;
    let sessions = 0;
    let user = 1_000;
    const clients = Array.from({ length: 3 }, async (_, c) => {
      while (writing) {
        await sim.session(user++, concertId, scheduleIds[c % 2]!, ((sessions++ * 0.41) % 1));
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    await waitFor(async () => (await outboxRows(db)).some((r) => r.sentAt !== null), { timeoutMs: 30_000, what: "the relay to send while Kafka is up" });
    await stopFaultBroker();
    const sessionsAtStop = sessions;
    const sentAtStop = (await outboxRows(db)).filter((r) => r.sentAt !== null).length;

    // Kafka down: /readyz names it, the API still answers, writes go on and pile up unsent in MySQL.
    await waitFor(async () => {
      const res = await fetch(`${srv.url}/readyz`);
      const body = (await res.json()) as { checks: Record<string, string> };
      return res.status === 503 && body.checks.kafka === "down" && body.checks.mysql === "up" && body.checks.redis === "up";
    }, { timeoutMs: 20_000, what: "/readyz to report kafka down" });
    const catalogue = clientFor(ConcertService, srv.url);
    expect((await catalogue.listConcerts({})).concerts.length).toBeGreaterThan(0);
    await waitFor(() => sessions >= sessionsAtStop + 15, { timeoutMs: 30_000, what: "more bookings while Kafka is down" });
    await waitFor(async () => (await metric(srv, 'outbox_relay_failures_total{stage="send"}')) > 0, { timeoutMs: 30_000, what: "the relay to count failed sends" });
    const whileDown = await outboxRows(db);
    expect(whileDown.filter((r) => r.sentAt !== null).length).toBe(sentAtStop);
    expect(whileDown.filter((r) => r.sentAt === null).length).toBeGreaterThan(15);
    expect(await metric(srv, "outbox_backlog")).toBeGreaterThan(15);
    expect(await metric(srv, "outbox_oldest_unsent_age_seconds")).toBeGreaterThan(0);

    await startFaultBroker();
    await new Promise((r) => setTimeout(r, 1_000));
    writing = false;
    await Promise.all(clients);

    await waitFor(async () => (await outboxRows(db)).every((r) => r.sentAt !== null), { timeoutMs: 90_000, what: "the backlog to drain after Kafka returned" });
    await waitFor(async () => (await fetch(`${srv.url}/readyz`)).status === 200, { timeoutMs: 20_000, what: "/readyz to recover" });
    const rows = await outboxRows(db);
    const topics = ["reservation-events", "payment-events"].map((t) => srv.config.kafkaTopicPrefix + t);
    const msgs = await readUntil(FAULT_BROKERS, topics, hasAll(rows.map((r) => r.eventId)), 60_000);
    expect(keysOutOfOrder(msgs, rows, srv.config.kafkaTopicPrefix)).toEqual([]);
    const truth = await waitForProjection(admin, sim, concertId, 90_000);
    expect(truth.sold).toBeGreaterThan(0);
    expect(truth.held).toBeGreaterThan(0);
  }, 300_000);

  it("through the API: IssueToken, ChargeBalance, HoldSeats, Pay and CancelReservation keep succeeding while Kafka is down; all their events arrive afterwards", async () => {
    const db = srv.app.infra.db;
    const sim = new BookingSimulator(db, new SequelizeOutboxWriter(db));
    const admin = clientFor(AdminService, srv.url, { headers: await bearer(1, { admin: true }) });
    const { concertId, scheduleId } = await apiConcert(srv.url, 60);
    const plan = (i: number) => (["pay", "cancel", "keep", "pay"] as const)[i % 4]!;
    let seat = 1;
    const sessions = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const seats = [seat++, seat++];
        await apiSession(srv.url, 5_000 + i, concertId, scheduleId, seats, plan(i));
      }
    };
    await sessions(0, 4);
    await waitFor(async () => (await outboxRows(db)).every((r) => r.sentAt !== null), { timeoutMs: 30_000, what: "events sent while Kafka is up" });

    await stopFaultBroker();
    await sessions(4, 8); // every call must succeed with the broker gone
    const unsent = (await outboxRows(db)).filter((r) => r.sentAt === null);
    expect(new Set(unsent.map((r) => r.topic))).toEqual(new Set(["reservation-events", "payment-events"]));
    expect(unsent.length).toBeGreaterThanOrEqual(8 * 2);

    await startFaultBroker();
    await waitFor(async () => (await outboxRows(db)).every((r) => r.sentAt !== null), { timeoutMs: 90_000, what: "the backlog to drain" });
    const rows = await outboxRows(db);
    const topics = ["reservation-events", "payment-events"].map((t) => srv.config.kafkaTopicPrefix + t);
    const msgs = await readUntil(FAULT_BROKERS, topics, hasAll(rows.map((r) => r.eventId)), 60_000);
    expect(keysOutOfOrder(msgs, rows, srv.config.kafkaTopicPrefix)).toEqual([]);
    const types = new Set(msgs.filter((m) => unsent.some((u) => u.eventId === m.eventId)).map((m) => m.eventType));
    for (const t of ["SeatsHeld", "ReservationConfirmed", "ReservationCancelled", "BalanceCharged", "PaymentCompleted"]) expect(types).toContain(t);
    const truth = await waitForProjection(admin, sim, concertId, 90_000);
    expect(truth).toMatchObject({ sold: 12, held: 6, revenue: 12 * 50_000 });
  }, 300_000);
});
