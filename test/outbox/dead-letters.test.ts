import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BalanceChargedSchema, ReservationConfirmedSchema, SeatsHeldSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent, type OutboxEvent } from "../../server/outbox/outbox-event.js";
import type { OutboxRelay } from "../../server/outbox/outbox-relay.js";
import { SequelizeDeadEventsRepository } from "../../server/outbox/dead-events.repository.sequelize.js";
import { hasAll, readUntil } from "../support/kafka-reader.js";
import { relayHarness } from "./support/relay-harness.js";
import { manySeats, smallTopic } from "./support/small-topic.js";

type Harness = Awaited<ReturnType<typeof relayHarness>>;

interface Row {
  id: number;
  event_id: string;
  message_key: string;
  attempts: number;
  failures: number;
  sent_at: Date | null;
  dead_at: Date | null;
  skipped_at: Date | null;
  last_error: string | null;
}

const held = (key: number, seats = [1]) => outboxEvent("reservation-events", key, SeatsHeldSchema, { reservationId: BigInt(key), concertId: 1n, scheduleId: 1n, seatNumbers: seats });
const confirmed = (key: number) => outboxEvent("reservation-events", key, ReservationConfirmedSchema, { reservationId: BigInt(key), userId: 9n, totalPrice: 1000n });
const charged = (user: number) => outboxEvent("payment-events", user, BalanceChargedSchema, { userId: BigInt(user), amount: 5n, balance: 5n });

/** A relay round that may fail (a round with only refusals, or Kafka unavailable, throws). */
const round = (relay: OutboxRelay) => relay.relayOnce().catch((e: unknown) => ({ error: e }));

describe("outbox dead letters (real MySQL and Kafka; reservation-events refuses records above 4 KB)", () => {
  let h: Harness;
  let fixTopic: (bytes: number) => Promise<void>;

  beforeAll(async () => {
    h = await relayHarness();
    const t = await smallTopic(h.config.kafkaBrokers, h.config.kafkaTopicPrefix + "reservation-events", 4096);
    fixTopic = t.setMaxBytes;
  });
  afterAll(async () => {
    await h?.close();
  });

  async function write(events: OutboxEvent[]): Promise<Map<string, number>> {
    for (const e of events) await h.db.transaction((tx) => h.writer.append(tx, [e]));
    const rows = await h.db.query<{ id: number; event_id: string }>("SELECT id, event_id FROM outbox", { type: QueryTypes.SELECT });
    return new Map(rows.map((r) => [r.event_id, Number(r.id)]));
  }
  const rowOf = async (eventId: string) =>
    (await h.db.query<Row>("SELECT * FROM outbox WHERE event_id = ?", { replacements: [eventId], type: QueryTypes.SELECT }))[0]!;

  it("an event Kafka refuses goes dead after OUTBOX_MAX_ATTEMPTS; its batch-mates and other keys go at once; later events of its key wait behind it; replay sends it (then them) once the cause is fixed", async () => {
    const poison = held(1, manySeats());
    const behind = confirmed(1);
    const others = [held(2), held(3), charged(7)];
    await write([poison, behind, ...others]);
    const { relay, metrics } = h.relay({ maxAttempts: 3, retryMinMs: 0, retryMaxMs: 0 });
    const metric = async (name: string) => {
      const line = (await metrics.registry.metrics()).split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
      return line === undefined ? undefined : Number(line.split(" ").pop());
    };

    // Round 1: the whole batch is refused (MESSAGE_TOO_LARGE); split, everything but key 1 goes.
    const first = await round(relay);
    expect(first).toMatchObject({ sent: 3, refused: 1, dead: 0 });
    const got = await readUntil(h.config.kafkaBrokers, h.topics, hasAll(others.map((e) => e.eventId)));
    expect(got.map((m) => m.eventId)).not.toContain(poison.eventId);
    expect(got.map((m) => m.eventId)).not.toContain(behind.eventId);
    expect(await rowOf(poison.eventId)).toMatchObject({ failures: 1, dead_at: null, sent_at: null });
    expect((await rowOf(poison.eventId)).last_error).toMatch(/MESSAGE_TOO_LARGE/);

    // Rounds 2 and 3: only the poison is claimed (its later event is held out of the claim); the third refusal kills it.
    expect(await round(relay)).toHaveProperty("error");
    expect((await rowOf(poison.eventId)).failures).toBe(2);
    expect(await round(relay)).toHaveProperty("error");
    const dead = await rowOf(poison.eventId);
    expect(dead.failures).toBe(3);
    expect(dead.dead_at).not.toBeNull();
    const waiting = await rowOf(behind.eventId);
    expect(waiting).toMatchObject({ sent_at: null, dead_at: null, failures: 0 });

    // Dead: never tried again, and other events keep flowing.
    const later = held(4);
    await write([later]);
    expect(await round(relay)).toMatchObject({ sent: 1, refused: 0 });
    expect(await round(relay)).toMatchObject({ sent: 0, claimed: 0 });
    expect((await rowOf(poison.eventId)).failures).toBe(3);
    expect((await rowOf(later.eventId)).sent_at).not.toBeNull();

    expect(await metric("outbox_dead_events")).toBe(1);
    expect(await metric("outbox_blocked_by_dead_events")).toBe(1);
    expect(await metric("outbox_backlog")).toBe(1); // the event waiting behind the dead one
    expect(await metric("outbox_oldest_dead_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(await metric('outbox_events_dead_total{topic="reservation-events"}')).toBe(1);
    expect(await metric('outbox_event_refusals_total{topic="reservation-events"}')).toBe(3);

    const repo = new SequelizeDeadEventsRepository(h.db);
    const listed = await repo.list({ afterId: 0, limit: 10, includeSkipped: false });
    expect(listed.totalDead).toBe(1);
    expect(listed.events).toMatchObject([{ eventId: poison.eventId, key: "1", type: "SeatsHeld", failures: 3, blocked: 1 }]);
    expect(listed.events[0]!.payloadBytes).toBeGreaterThan(4096);

    // Replay before the cause is fixed: it fails again (a fresh count) and the key still waits.
    expect((await repo.replay({ ids: [dead.id] })).ids).toEqual([dead.id]);
    expect(await round(relay)).toHaveProperty("error");
    expect(await rowOf(poison.eventId)).toMatchObject({ failures: 1, dead_at: null });

    // Fix the cause (the topic takes large records now): the poison goes, then the event behind it, in order.
    await fixTopic(1024 * 1024);
    for (let i = 0; i < 5 && (await rowOf(behind.eventId)).sent_at === null; i++) await round(relay);
    expect((await rowOf(poison.eventId)).sent_at).not.toBeNull();
    expect((await rowOf(behind.eventId)).sent_at).not.toBeNull();
    const key1 = (await readUntil(h.config.kafkaBrokers, h.topics, hasAll([poison.eventId, behind.eventId]))).filter((m) => m.key === "1");
    const firstSeen = [...new Set(key1.sort((a, b) => a.offset - b.offset).map((m) => m.eventId))];
    expect(firstSeen).toEqual([poison.eventId, behind.eventId]);
    expect(await metric("outbox_dead_events")).toBe(0);
    expect(await metric("outbox_blocked_by_dead_events")).toBe(0);
    await fixTopic(4096);
  });

  it("skip gives up on a dead event: it is never sent, later events of its key go on, and the row is purged with the sent ones", async () => {
    await h.db.query("DELETE FROM outbox");
    const poison = held(11, manySeats());
    const behind = confirmed(11);
    await write([poison, behind]);
    const { relay, store } = h.relay({ maxAttempts: 2, retryMinMs: 0, retryMaxMs: 0 });
    await round(relay);
    await round(relay);
    const dead = await rowOf(poison.eventId);
    expect(dead.dead_at).not.toBeNull();
    const repo = new SequelizeDeadEventsRepository(h.db);
    // A named id that is not dead changes nothing.
    const behindRow = await rowOf(behind.eventId);
    expect(await repo.skip({ ids: [dead.id, behindRow.id] })).toMatchObject({ ids: [], notDead: [behindRow.id] });
    expect((await rowOf(poison.eventId)).skipped_at).toBeNull();

    expect(await repo.skip({ all: true, limit: 1000 })).toMatchObject({ ids: [dead.id], remaining: 0 });
    expect(await round(relay)).toMatchObject({ sent: 1 });
    expect((await rowOf(behind.eventId)).sent_at).not.toBeNull();
    expect(await rowOf(poison.eventId)).toMatchObject({ sent_at: null });
    expect((await rowOf(poison.eventId)).skipped_at).not.toBeNull();
    await readUntil(h.config.kafkaBrokers, h.topics, hasAll([behind.eventId]));
    // skipped events leave the dead list (still shown with include_skipped) and cannot be replayed
    expect((await repo.list({ afterId: 0, limit: 10, includeSkipped: false })).events).toEqual([]);
    expect((await repo.list({ afterId: 0, limit: 10, includeSkipped: true })).events).toMatchObject([{ eventId: poison.eventId, blocked: 0 }]);
    expect(await repo.replay({ ids: [dead.id] })).toMatchObject({ ids: [], notDead: [dead.id] });
    // retention: skipped rows go like sent ones
    await h.db.query("UPDATE outbox SET skipped_at = NOW(3) - INTERVAL 2 HOUR, sent_at = IF(sent_at IS NULL, NULL, NOW(3) - INTERVAL 2 HOUR)");
    expect(await store.purgeSent(3600)).toBe(2);
  });

  it("a topic Kafka refuses outright (an invalid name): each of its events in the send counts at once, other topics' events in the same batch go, and its keys keep their order", async () => {
    await h.db.query("DELETE FROM outbox");
    const ok = [held(41), charged(42)];
    const bad = [held(43), confirmed(43), held(44)];
    await write([bad[0]!, ok[0]!, bad[1]!, ok[1]!, bad[2]!]);
    // An outbox row's topic is only a column: point these at a name Kafka refuses (INVALID_TOPIC_EXCEPTION).
    await h.db.query("UPDATE outbox SET topic = 'no such topic!' WHERE event_id IN (?)", { replacements: [bad.map((e) => e.eventId)] });
    const { relay } = h.relay({ maxAttempts: 2, retryMinMs: 0, retryMaxMs: 0 });
    expect(await round(relay)).toMatchObject({ sent: 2, refused: 3 });
    await readUntil(h.config.kafkaBrokers, h.topics, hasAll(ok.map((e) => e.eventId)));
    for (const e of bad) expect(await rowOf(e.eventId)).toMatchObject({ failures: 1, dead_at: null });
    expect((await rowOf(bad[0]!.eventId)).last_error).toMatch(/^INVALID_TOPIC_EXCEPTION: /);
    // Next round: only the oldest failing event of each key is tried; key 43's second event waits behind its first.
    expect(await round(relay)).toHaveProperty("error");
    expect((await rowOf(bad[0]!.eventId)).dead_at).not.toBeNull();
    expect((await rowOf(bad[2]!.eventId)).dead_at).not.toBeNull();
    expect(await rowOf(bad[1]!.eventId)).toMatchObject({ failures: 1, dead_at: null, sent_at: null });
    const listed = await new SequelizeDeadEventsRepository(h.db).list({ afterId: 0, limit: 10, includeSkipped: false });
    expect(listed.events.map((d) => [d.eventId, d.blocked])).toEqual([
      [bad[0]!.eventId, 1],
      [bad[2]!.eventId, 0],
    ]);
  });

  it("Kafka unavailable is not the event's fault: rounds fail, nothing is counted against the events, nothing goes dead", async () => {
    await h.db.query("DELETE FROM outbox");
    const e = held(21);
    await write([e]);
    const down = await relayHarnessRelayTo(h, ["127.0.0.1:1"]);
    for (let i = 0; i < 3; i++) expect(await round(down)).toHaveProperty("error");
    expect(await rowOf(e.eventId)).toMatchObject({ failures: 0, dead_at: null, sent_at: null, attempts: 3 });
  }, 120_000);

  it("negative control: without splitting a refused batch, the poison's batch-mates are counted as refused and go dead with it", async () => {
    await h.db.query("DELETE FROM outbox");
    const poison = held(31, manySeats());
    const mates = [held(32), charged(33)];
    await write([poison, ...mates]);
    const { relay } = h.relay({ maxAttempts: 2, retryMinMs: 0, retryMaxMs: 0, isolation: "off" });
    await round(relay);
    await round(relay);
    for (const m of mates) expect((await rowOf(m.eventId)).dead_at).not.toBeNull();
  });
});

/** A relay on the harness's outbox whose Kafka is a closed port: every send fails as "unavailable". */
async function relayHarnessRelayTo(h: Harness, brokers: string[]) {
  const { Kafka, logLevel } = await import("kafkajs");
  const { createRelay } = await import("../../server/outbox/relay.factory.js");
  const { Metrics } = await import("../../server/ops/metrics.js");
  const { createLogger } = await import("../../server/shared/logger.js");
  const kafka = new Kafka({ clientId: "test-down", brokers, logLevel: logLevel.NOTHING, connectionTimeout: 500, retry: { retries: 0 } });
  const { relay } = createRelay({ db: h.db, kafka, config: h.config, logger: createLogger("silent"), metrics: new Metrics() }, { maxAttempts: 2, retryMinMs: 0, retryMaxMs: 0 });
  return relay;
}
