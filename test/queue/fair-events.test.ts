import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { uniqueId } from "../support/env.js";
import { fan } from "../support/booking-api.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { issue, QueueState, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";
import { getDraw, scheduledConcert, sleepUntil } from "./fair-helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface Received { key: string; type: string; value: Record<string, unknown> }

async function readQueueEvents(enough: (seen: Received[]) => boolean): Promise<Received[]> {
  const kafka = new Kafka({ clientId: "fair-events-test", brokers: server.config.kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueId("fair-reader"), maxWaitTimeInMs: 200 });
  const seen: Received[] = [];
  try {
    await consumer.connect();
    const topic = `${server.config.kafkaTopicPrefix}queue-events`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(async () => (await admin.listTopics()).includes(topic), 15_000, "the queue-events topic", 200);
    } finally {
      await admin.disconnect();
    }
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const type = String(message.headers?.["event-type"] ?? "");
        seen.push({ key: String(message.key), type, value: JSON.parse(String(message.value)) });
      },
    });
    await waitFor(async () => enough(seen), 30_000, "queue events", 100);
    return seen;
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

describe("fair-sale events on queue-events", () => {
  it("DrawCompleted once (key concertId:draw) and QueueSoldOut (key concertId:sold-out)", async () => {
    const opensAt = Date.now() + 5_000;
    const { concertId, scheduleId, commitment } = await scheduledConcert(server.url, opensAt, 1);
    await setMaxActive(server.url, concertId, 1);
    const a = await issue(server.url, concertId, 61);
    const b = await issue(server.url, concertId, 62);
    await sleepUntil(opensAt);
    await waitFor(async () => (await getDraw(server.url, concertId)).seed !== "", 1_500, "the draw");
    const [head, other] = (await statusOf(server.url, 61, a.token)).state === QueueState.ACTIVE ? [61, { u: 62, t: b.token }] : [62, { u: 61, t: a.token }];
    const buyer = await fan(server.url, head, concertId);
    const { reservation } = await buyer.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1] });
    await buyer.payments.chargeBalance({ amount: 10_000n, idempotencyKey: "k1" });
    await buyer.payments.pay({ reservationId: reservation!.id, idempotencyKey: "k2" });
    await waitFor(async () => (await statusOf(server.url, other.u, other.t)).state === QueueState.SOLD_OUT, 1_500, "SOLD_OUT");

    const seen = await readQueueEvents((s) => s.some((e) => e.type === "QueueSoldOut"));
    const draws = seen.filter((e) => e.type === "DrawCompleted");
    expect(draws).toHaveLength(1);
    expect(draws[0].key).toBe(`${concertId}:draw`);
    expect(draws[0].value).toMatchObject({ concertId: String(concertId), entrants: "2", fairnessCommitment: commitment });
    const sold = seen.filter((e) => e.type === "QueueSoldOut");
    expect(sold).toHaveLength(1);
    expect(sold[0].key).toBe(`${concertId}:sold-out`);
    expect(sold[0].value).toMatchObject({ concertId: String(concertId), waiting: "1" });
  }, 90_000);
});
