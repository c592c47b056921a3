import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@connectrpc/connect";
import { Kafka, logLevel } from "kafkajs";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { Metrics } from "../../server/ops/metrics.js";
import { createQueueModule } from "../../server/queue/queue.module.js";
import { createSeatsModule } from "../../server/seats/seats.module.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { uniqueId } from "../support/env.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adminClient, issue, leave, newConcert, QueueState, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface Received {
  key: string;
  type: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}

/** Reads the test's own queue-events topic from the beginning until `enough` holds. */
async function readQueueEvents(enough: (seen: Received[]) => boolean): Promise<Received[]> {
  const kafka = new Kafka({ clientId: "queue-test", brokers: server.config.kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueId("queue-reader"), maxWaitTimeInMs: 200 });
  const seen: Received[] = [];
  try {
    await consumer.connect();
    const topic = `${server.config.kafkaTopicPrefix}queue-events`;
    // The server creates the topic with its first batch; wait until the broker knows it.
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
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ key: String(message.key), type: headers["event-type"], headers, value: JSON.parse(String(message.value)) });
      },
    });
    await waitFor(async () => enough(seen), 30_000, "queue events", 100);
    return seen;
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

describe("queue-events on Kafka", () => {
  it("publishes TokenIssued, TokenActivated and TokenExpired keyed concertId:userId with the SPEC headers", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 1);
    const token = await admit(server.url, concertId, 41);
    const waiting = await issue(server.url, concertId, 42);
    await leave(server.url, 41, token); // 41 left, 42 admitted
    await waitFor(async () => (await statusOf(server.url, 42, waiting.token)).state === QueueState.ACTIVE, 2_000, "42 admitted");

    const mine = (s: Received[]) => s.filter((e) => e.key.startsWith(`${concertId}:`));
    const events = mine(await readQueueEvents((s) => mine(s).length >= 5));
    const of41 = events.filter((e) => e.key === `${concertId}:41`).map((e) => e.type);
    const of42 = events.filter((e) => e.key === `${concertId}:42`).map((e) => e.type);
    expect(of41).toEqual(["TokenIssued", "TokenActivated", "TokenExpired"]);
    expect(of42).toEqual(["TokenIssued", "TokenActivated"]);
    for (const e of events) {
      expect(e.headers["content-type"]).toBe("application/json");
      expect(e.headers["event-id"]).toMatch(/^[0-9a-f-]{36}$/);
    }
    const expired = events.find((e) => e.type === "TokenExpired")!;
    expect(expired.value).toMatchObject({ concertId: String(concertId), userId: "41", reason: "left" });
    const issued42 = events.find((e) => e.key === `${concertId}:42` && e.type === "TokenIssued")!;
    expect(issued42.value).toMatchObject({ position: "1" });
    expect(events.find((e) => e.type === "TokenActivated")!.value.expiresAt).toBeTypeOf("string");
  });
});

describe("ActiveSessions.end after a successful Pay", () => {
  it("expires the token at once and hands the slot to the next in line", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 1);
    const payer = await admit(server.url, concertId, 51);
    const next = await issue(server.url, concertId, 52);
    // The same module the booking module gets, on this server's Redis (own metrics registry).
    const infra = { ...server.app.infra, metrics: new Metrics() };
    const queue = createQueueModule(infra, {}, { inventory: createSeatsModule(infra).inventory });
    try {
      await queue.sessions.end(concertId, 51, "paid");
    } finally {
      await queue.close?.();
    }
    expect((await statusOf(server.url, 51, payer)).state).toBe(QueueState.EXPIRED);
    expect((await statusOf(server.url, 52, next.token)).state).toBe(QueueState.ACTIVE);
  });
});

describe("AdminService queue RPCs", () => {
  it("are for operators only", async () => {
    const fan = clientFor(AdminService, server.url, { headers: await bearer(60) });
    for (const call of [
      fan.getQueueStats({ concertId: 1n }),
      fan.listQueue({ concertId: 1n }),
      fan.setQueuePolicy({ concertId: 1n, maxActive: 5 }),
      fan.removeFromQueue({ concertId: 1n, userId: 2n }),
    ]) {
      expect((await call.catch((e) => e)).code).toBe(Code.PermissionDenied);
    }
  });

  it("lists the line in pages, removes fans (waiting or active) and says NOT_FOUND for what is not there", async () => {
    const { concertId } = await newConcert(server.url);
    const admin = await adminClient(server.url);
    await setMaxActive(server.url, concertId, 1);
    const active = await admit(server.url, concertId, 70);
    const before = Date.now();
    for (const u of [71, 72, 73, 74, 75]) await issue(server.url, concertId, u);

    const page = await admin.listQueue({ concertId: BigInt(concertId), offset: 1, limit: 2 });
    expect(page.entries.map((e) => [Number(e.userId), Number(e.position)])).toEqual([[72, 2], [73, 3]]);
    const enteredMs = Number(page.entries[0].enteredAt!.seconds) * 1000;
    expect(enteredMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect((await admin.listQueue({ concertId: BigInt(concertId) })).entries).toHaveLength(5); // limit 0 means 50

    await admin.removeFromQueue({ concertId: BigInt(concertId), userId: 72n });
    const after = await admin.listQueue({ concertId: BigInt(concertId), offset: 0, limit: 10 });
    expect(after.entries.map((e) => Number(e.userId))).toEqual([71, 73, 74, 75]);

    await admin.removeFromQueue({ concertId: BigInt(concertId), userId: 70n }); // the active fan: 71 moves in at once
    expect((await statusOf(server.url, 70, active)).state).toBe(QueueState.EXPIRED);
    const stats = await admin.getQueueStats({ concertId: BigInt(concertId) });
    expect([stats.waiting, stats.active, stats.maxActive]).toEqual([3n, 1n, 1]);

    const gone = await admin.removeFromQueue({ concertId: BigInt(concertId), userId: 72n }).catch((e) => e);
    expect(gone.code).toBe(Code.NotFound);
    expect(gone.rawMessage).toMatch(/ListQueue/);
    for (const call of [
      () => admin.getQueueStats({ concertId: 999_999n }),
      () => admin.listQueue({ concertId: 999_999n }),
      () => admin.setQueuePolicy({ concertId: 999_999n, maxActive: 1 }),
    ]) {
      expect((await call().catch((e) => e)).code).toBe(Code.NotFound);
    }
    const bad = await admin.setQueuePolicy({ concertId: BigInt(concertId), maxActive: -1 }).catch((e) => e);
    expect(bad.code).toBe(Code.InvalidArgument);
  });

  it("raising max_active admits at once; the queue shows up in /metrics", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 0);
    const t = [await issue(server.url, concertId, 80), await issue(server.url, concertId, 81), await issue(server.url, concertId, 82)];
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain(`queue_waiting{concert_id="${concertId}"} 3`);
    expect(text).toContain(`queue_active_sessions{concert_id="${concertId}"} 0`);
    const res = await (await adminClient(server.url)).setQueuePolicy({ concertId: BigInt(concertId), maxActive: 2 });
    expect(res.maxActive).toBe(2);
    expect((await statusOf(server.url, 80, t[0].token)).state).toBe(QueueState.ACTIVE);
    expect((await statusOf(server.url, 81, t[1].token)).state).toBe(QueueState.ACTIVE);
    expect((await statusOf(server.url, 82, t[2].token)).position).toBe(1n);
    const later = await (await fetch(`${server.url}/metrics`)).text();
    expect(later).toContain(`queue_active_sessions{concert_id="${concertId}"} 2`);
  });
});
