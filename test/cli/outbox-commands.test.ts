import { QueryTypes, type Sequelize } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReservationConfirmedSchema, SeatsHeldSchema } from "../../gen/concert/v1/events_pb.js";
import { createSequelize } from "../../server/db/sequelize.js";
import { outboxEvent } from "../../server/outbox/outbox-event.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
import { jwtFor } from "../support/auth.js";
import { hasAll, readUntil } from "../support/kafka-reader.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { manySeats, smallTopic } from "../outbox/support/small-topic.js";
import { runCli } from "./cli-process.js";

let server: TestServer;
let db: Sequelize;
let env: Record<string, string>;
let setMaxBytes: (n: number) => Promise<void>;

beforeAll(async () => {
  // The server's own relay, with OUTBOX_MAX_ATTEMPTS from the environment as in production.
  server = await startTestServer({}, { OUTBOX_MAX_ATTEMPTS: "2", OUTBOX_RELAY_POLL_MS: "50" });
  db = createSequelize(server.databaseUrl);
  env = { CONCERT_SERVER: server.url, CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }) };
  // Before any event exists, so the relay does not auto-create the topic with the default limit.
  setMaxBytes = (await smallTopic(server.config.kafkaBrokers, server.config.kafkaTopicPrefix + "reservation-events", 4096)).setMaxBytes;
});

afterAll(async () => {
  await db?.close();
  await server?.close();
});

const held = (key: number, seats: number[]) => outboxEvent("reservation-events", key, SeatsHeldSchema, { reservationId: BigInt(key), concertId: 1n, scheduleId: 1n, seatNumbers: seats });
const idOf = async (eventId: string) =>
  Number((await db.query<{ id: number }>("SELECT id FROM outbox WHERE event_id = ?", { replacements: [eventId], type: QueryTypes.SELECT }))[0]!.id);
const isDead = async (eventId: string) =>
  (await db.query("SELECT 1 FROM outbox WHERE event_id = ? AND dead_at IS NOT NULL", { replacements: [eventId], type: QueryTypes.SELECT })).length === 1;

describe("concert-admin outbox list|replay|skip (server relay, real Kafka)", () => {
  it("list shows the dead event and what waits behind it; replay after the fix sends both; skip gives one up; bad selections exit 2 or 5", async () => {
    const writer = new SequelizeOutboxWriter(db);
    const poison = held(1, manySeats());
    const behind = outboxEvent("reservation-events", 1, ReservationConfirmedSchema, { reservationId: 1n, userId: 3n, totalPrice: 1000n });
    const fine = held(2, [1]);
    for (const e of [poison, behind, fine]) await db.transaction((tx) => writer.append(tx, [e]));
    const topics = [server.config.kafkaTopicPrefix + "reservation-events"];
    await readUntil(server.config.kafkaBrokers, topics, hasAll([fine.eventId]));
    await waitFor(() => isDead(poison.eventId), { timeoutMs: 30_000, what: "the oversized event to go dead" });
    const id = await idOf(poison.eventId);

    const listed = await runCli(["outbox", "list", "--json"], env);
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    const body = JSON.parse(listed.stdout) as { events: Array<Record<string, unknown>>; totalDead: string; nextAfterId: string };
    expect(body.totalDead).toBe("1");
    expect(body.nextAfterId).toBe("0");
    expect(body.events).toEqual([
      expect.objectContaining({ id: String(id), eventId: poison.eventId, topic: "reservation-events", key: "1", eventType: "SeatsHeld", failures: 2, blocked: "1" }),
    ]);
    expect(String(body.events[0]!.lastError)).toMatch(/MESSAGE_TOO_LARGE/);

    const plain = await runCli(["outbox", "list"], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("1 dead event(s) wait for you");
    expect(plain.stdout).toMatch(new RegExp(`^\\s*${id}\\s+reservation-events\\s+1\\s+SeatsHeld\\s+2\\s`, "m"));
    expect(plain.stdout).not.toMatch(/\u001b\[/);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^outbox_dead_events 1$/m);
    expect(metrics).toMatch(/^outbox_blocked_by_dead_events 1$/m);

    // Bad selections: nothing named (2), both ids and --all (2), an id that is not dead (5, nothing changes).
    expect((await runCli(["outbox", "replay"], env)).code).toBe(2);
    expect((await runCli(["outbox", "replay", String(id), "--all"], env)).code).toBe(2);
    const notDead = await runCli(["outbox", "replay", String(id), String(await idOf(behind.eventId))], env);
    expect(notDead.code).toBe(5);
    expect(notDead.stderr).toContain("no dead outbox event with id");
    expect(await isDead(poison.eventId)).toBe(true);

    // Fix the cause, replay: the event goes, then the one that waited behind it.
    await setMaxBytes(1024 * 1024);
    const replayed = await runCli(["outbox", "replay", String(id), "--json"], env);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toEqual({ ids: [String(id)], remaining: "0" });
    const msgs = await readUntil(server.config.kafkaBrokers, topics, hasAll([poison.eventId, behind.eventId]));
    const key1 = [...new Set(msgs.filter((m) => m.key === "1").sort((a, b) => a.offset - b.offset).map((m) => m.eventId))];
    expect(key1).toEqual([poison.eventId, behind.eventId]);
    expect(JSON.parse((await runCli(["outbox", "list", "--json"], env)).stdout)).toMatchObject({ events: [], totalDead: "0" });

    // Another oversized event: skip it; the event behind it goes, it never does.
    await setMaxBytes(4096);
    const poison2 = held(5, manySeats());
    const behind2 = held(5, [7]);
    for (const e of [poison2, behind2]) await db.transaction((tx) => writer.append(tx, [e]));
    await waitFor(() => isDead(poison2.eventId), { timeoutMs: 30_000, what: "the second oversized event to go dead" });
    const skipped = await runCli(["outbox", "skip", "--all"], env);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain(`skipped 1 dead event(s): ${await idOf(poison2.eventId)}; they will never be sent`);
    const after = await readUntil(server.config.kafkaBrokers, topics, hasAll([behind2.eventId]));
    expect(after.map((m) => m.eventId)).not.toContain(poison2.eventId);
    const withSkipped = JSON.parse((await runCli(["outbox", "list", "--include-skipped", "--json"], env)).stdout) as { events: Array<{ eventId: string; skippedAt?: string }> };
    expect(withSkipped.events).toEqual([expect.objectContaining({ eventId: poison2.eventId, skippedAt: expect.any(String) })]);
  }, 120_000);
});
