import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { uniqueId } from "../support/env.js";
import { CliProcess, runCli } from "./cli-process.js";

/** Topics of our own on the shared broker (KAFKA_TOPIC_PREFIX), deleted afterwards. */
const prefix = `${uniqueId("cli")}.`;
const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092"; // the three brokers in `npm run test:scaled`
const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix };
const kafka = new Kafka({ clientId: "cli-test", brokers: brokers.split(","), logLevel: logLevel.NOTHING });
let producer: Producer;

/** An event shaped as SPEC section 4 says: protobuf JSON value, event-id / event-type / content-type headers. */
async function publish(topic: string, type: string, key: string, event: object): Promise<string> {
  const eventId = randomUUID();
  await producer.send({
    topic: `${prefix}${topic}`,
    messages: [{ key, value: JSON.stringify(event), headers: { "event-id": eventId, "event-type": type, "content-type": "application/json" } }],
  });
  return eventId;
}

const seatsHeld = (reservationId: string) => ({
  reservationId,
  userId: "7",
  concertId: "3",
  scheduleId: "5",
  seatNumbers: [3, 4],
  totalPrice: "300000",
  heldUntil: "2026-05-01T10:35:00Z",
  occurredAt: "2026-05-01T10:30:00Z",
});

beforeAll(async () => {
  producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const ours = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (ours.length) await admin.deleteTopics({ topics: ours }).catch(() => {});
  await admin.disconnect();
});

describe("events watch", () => {
  it("--json prints each new event as one JSON line, filters by --type, ignores what came before, and Ctrl-C leaves its group", async () => {
    // Published before the watch starts: a live tail must not show it.
    await publish("reservation-events", "SeatsHeld", "100", seatsHeld("100"));

    const watch = new CliProcess(["events", "watch", "--json", "--type", "SeatsHeld", "--type", "TokenIssued"], env);
    try {
      await watch.waitFor("the watching line", () => watch.stderr.includes("watching"));
      const groupId = /as (concert-admin-\S+);/.exec(watch.stderr)![1];

      const held = await publish("reservation-events", "SeatsHeld", "101", seatsHeld("101"));
      await publish("payment-events", "BalanceCharged", "7", { userId: "7", amount: "1000", balance: "1000" });
      const issued = await publish("queue-events", "TokenIssued", "3:7", { concertId: "3", userId: "7", position: "1" });
      await watch.waitFor("two events", () => watch.jsonLines().length >= 2);
      // Give a wrongly unfiltered BalanceCharged the time to show up too.
      await new Promise((r) => setTimeout(r, 1500));

      const lines = watch.jsonLines();
      expect(lines).toHaveLength(2);
      const byType = Object.fromEntries(lines.map((l) => [l.type, l]));
      expect(byType.SeatsHeld).toMatchObject({ topic: "reservation-events", key: "101", eventId: held, event: seatsHeld("101") });
      expect(byType.TokenIssued).toMatchObject({ topic: "queue-events", key: "3:7", eventId: issued, event: { concertId: "3", position: "1" } });
      expect(new Date(byType.SeatsHeld.time as string).getTime()).toBeGreaterThan(Date.now() - 60_000);

      expect(await watch.interrupt()).toBe(0);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { groups } = await admin.listGroups();
        expect(groups.map((g) => g.groupId)).not.toContain(groupId);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await watch.interrupt();
    }
  });

  it("--from-beginning replays what is already there, as plain lines when stdout is not a terminal", async () => {
    await publish("reservation-events", "ReservationConfirmed", "200", { reservationId: "200", userId: "8", scheduleId: "5", seatNumbers: [9], totalPrice: "99000", paymentId: "31" });
    const watch = new CliProcess(["events", "watch", "--from-beginning", "--topic", "reservation-events"], env);
    try {
      // Partitions are replayed side by side: wait for both keys, not for whichever partition comes first.
      await watch.waitFor("the replayed events", () => watch.stdout.includes("ReservationConfirmed") && watch.stdout.includes("key=100"));
      const line = watch.stdout.split("\n").find((l) => l.includes("ReservationConfirmed"))!;
      expect(line).toMatch(/^\S+Z {2}reservation-events {2}ReservationConfirmed {2}key=200 {2}reservation 200 · user 8 · schedule 5 · seats 9 · ₩99,000 · payment 31$/);
      // The first test's events are on this topic too, and replayed.
      expect(watch.stdout).toContain("key=100");
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }
  });

  it("an unknown --topic or --type is a usage error; an unreachable broker exits 3", async () => {
    const topic = await runCli(["events", "watch", "--topic", "reservations"], env);
    expect(topic.code).toBe(2);
    expect(topic.stderr.trim()).toMatch(/--topic.*'reservations' is invalid.*reservation-events, payment-events, queue-events/);
    const type = await runCli(["events", "watch", "--type", "SeatHeld"], env);
    expect(type.code).toBe(2);
    expect(type.stderr.trim()).toMatch(/--type.*'SeatHeld' is invalid/);

    const down = await runCli(["events", "watch", "--brokers", "127.0.0.1:1"], env, 60_000);
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(down.stderr).toMatch(/^concert-admin: cannot reach Kafka at 127\.0\.0\.1:1 .*--brokers or KAFKA_BROKERS/);
  });
});
