import { fromJsonString } from "@bufbuild/protobuf";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ReservationConfirmedSchema, SeatsHeldSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent } from "../../server/outbox/outbox-event.js";
import type { OutboxRow } from "../../server/outbox/outbox-relay.store.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
import { distinctIds, hasAll, keysOutOfOrder, outboxRows, readUntil } from "../support/kafka-reader.js";
import { relayHarness } from "./support/relay-harness.js";

type Harness = Awaited<ReturnType<typeof relayHarness>>;

/** Appends `perKey` SeatsHeld events for each of `keys` keys, interleaved, one small transaction each, from a few writers at once. */
async function writeKeyedEvents(h: Harness, keys: number, perKey: number) {
  const jobs = Array.from({ length: keys * perKey }, (_, i) => (i % keys) + 1);
  const writers = Array.from({ length: 4 }, async () => {
    for (let k = jobs.shift(); k !== undefined; k = jobs.shift()) {
      const key = k;
      await h.db.transaction((tx) =>
        h.writer.append(tx, [outboxEvent("reservation-events", key, SeatsHeldSchema, { reservationId: BigInt(key), concertId: 1n, scheduleId: 1n, seatNumbers: [1] })]),
      );
    }
  });
  await Promise.all(writers);
}

describe("outbox relay (shared broker)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await relayHarness();
  });
  afterEach(async () => {
    await h?.stopRelays();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sends every committed event once with the SPEC headers, key and protobuf JSON, in per-key order, and never a rolled-back one", async () => {
    const { concertId, scheduleIds } = await h.sim.createConcert(2);
    // A rolled-back transaction's event must never leave MySQL.
    const ghost = outboxEvent("reservation-events", 999_999, SeatsHeldSchema, { reservationId: 999_999n, concertId: BigInt(concertId), scheduleId: BigInt(scheduleIds[0]!) });
    await expect(
      h.db.transaction(async (tx) => {
        await h.writer.append(tx, [ghost]);
        throw new Error("business rule failed after the append");
      }),
    ).rejects.toThrow("business rule");

    const { relay } = h.relay({ batchSize: 7 });
    relay.start();
    let user = 1;
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        for (let i = 0; i < 10; i++) await h.sim.session(user++, concertId, scheduleIds[(c + i) % 2]!, ((c * 10 + i) * 0.37) % 1);
      }),
    );
    const rows = await outboxRows(h.db);
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.map((r) => r.eventId)).not.toContain(ghost.eventId);

    const msgs = await readUntil(h.config.kafkaBrokers, h.topics, hasAll(rows.map((r) => r.eventId)));
    expect(msgs).toHaveLength(rows.length); // no duplicates without failures
    expect(distinctIds(msgs)).toEqual(new Set(rows.map((r) => r.eventId)));
    const byId = new Map(rows.map((r) => [r.eventId, r]));
    for (const m of msgs) {
      const row = byId.get(m.eventId)!;
      expect(m.topic).toBe(h.config.kafkaTopicPrefix + row.topic);
      expect(m.key).toBe(row.key);
      expect(m.contentType).toBe("application/json");
      expect(m.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (m.eventType === "ReservationConfirmed") {
        const e = fromJsonString(ReservationConfirmedSchema, m.value);
        expect(String(e.reservationId)).toBe(m.key);
        expect(e.totalPrice).toBeGreaterThan(0n);
      }
    }
    expect(new Set(msgs.map((m) => m.eventType))).toEqual(new Set(["SeatsHeld", "ReservationConfirmed", "PaymentCompleted", "ReservationCancelled", "ReservationExpired"]));
    expect(keysOutOfOrder(msgs, rows, h.config.kafkaTopicPrefix)).toEqual([]);

    await waitFor(async () => (await outboxRows(h.db)).every((r) => r.sentAt !== null), { timeoutMs: 10_000, what: "rows marked sent" });
    expect((await outboxRows(h.db)).every((r) => r.attempts === 1)).toBe(true);
    await relay.stop();
  });

  it("reports backlog, age of the oldest unsent row, send rate and purges only old sent rows", async () => {
    await h.db.query("DELETE FROM outbox");
    await writeKeyedEvents(h, 5, 4);
    await h.db.query("UPDATE outbox SET created_at = NOW(3) - INTERVAL 90 SECOND");
    const { relay, store, metrics } = h.relay({ batchSize: 50 });
    const metric = async (name: string) => {
      const text = await metrics.registry.metrics();
      const line = text.split("\n").find((l) => l.startsWith(name));
      return line === undefined ? undefined : Number(line.split(" ").pop());
    };
    expect(await metric("outbox_backlog")).toBe(20);
    expect(await metric("outbox_oldest_unsent_age_seconds")).toBeGreaterThanOrEqual(89);

    relay.start();
    await waitFor(async () => (await metric("outbox_backlog")) === 0, { timeoutMs: 15_000, what: "backlog to drain" });
    expect(await metric("outbox_oldest_unsent_age_seconds")).toBe(0);
    expect(await metric('outbox_events_sent_total{topic="reservation-events"}')).toBe(20);
    expect(await metric('outbox_relay_failures_total')).toBeUndefined();
    await relay.stop();

    // Retention: sent rows older than it go, recent sent rows and unsent rows stay.
    await h.db.query("UPDATE outbox SET sent_at = NOW(3) - INTERVAL 2 HOUR WHERE id IN (SELECT id FROM (SELECT id FROM outbox ORDER BY id LIMIT 12) x)");
    await writeKeyedEvents(h, 1, 3);
    expect(await store.purgeSent(3600, 5)).toBe(12);
    const left = await outboxRows(h.db);
    expect(left).toHaveLength(8 + 3);
    expect(left.filter((r) => r.sentAt === null)).toHaveLength(3);
  });

  /** Two relays on one outbox, each pausing between Kafka's ack and its commit to widen the window. */
  async function raceTwoRelays(claimMode: "skip-locked" | "unlocked") {
    await h.db.query("DELETE FROM outbox");
    await writeKeyedEvents(h, 12, 25);
    const sends: Array<{ relay: string; rows: OutboxRow[] }> = [];
    const mk = (name: string) =>
      h.relay({ batchSize: 10, afterSendDelayMs: 25, claimMode, onSent: (rows) => sends.push({ relay: name, rows }) }).relay;
    const a = mk("a");
    const b = mk("b");
    a.start();
    b.start();
    await waitFor(async () => (await outboxRows(h.db)).every((r) => r.sentAt !== null), { timeoutMs: 60_000, what: "both relays to drain the outbox" });
    await Promise.all([a.stop(), b.stop()]);
    const sentIds = sends.flatMap((s) => s.rows.map((r) => r.eventId));
    return { sends, sentIds, distinct: new Set(sentIds).size };
  }

  it("two relays at once never send the same row twice, share the work and keep per-key order", async () => {
    const { sends, sentIds, distinct } = await raceTwoRelays("skip-locked");
    expect(distinct).toBe(300);
    expect(sentIds).toHaveLength(300);
    expect(sends.some((s) => s.relay === "a")).toBe(true);
    expect(sends.some((s) => s.relay === "b")).toBe(true);
    const rows = await outboxRows(h.db);
    const ids = new Set(rows.map((r) => r.eventId));
    const msgs = await readUntil(h.config.kafkaBrokers, [h.topics[0]!], hasAll(ids));
    const mine = msgs.filter((m) => ids.has(m.eventId));
    expect(mine).toHaveLength(300);
    expect(keysOutOfOrder(mine, rows, h.config.kafkaTopicPrefix)).toEqual([]);
  });

  it("negative control: without SKIP LOCKED the same two relays send rows twice", async () => {
    const { sentIds, distinct } = await raceTwoRelays("unlocked");
    expect(distinct).toBe(300);
    expect(sentIds.length).toBeGreaterThan(300);
  });
});
