import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { RedisQueueStore } from "../../server/queue/queue.store.redis.js";
import { EntryState } from "../../server/queue/entry-state.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { deleteKeysWithPrefix, testRedis } from "../support/redis.js";
import { adminClient, issue, newConcert, QueueState, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";

let server: TestServer;
let closed = false;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await flushOwnKeys();
  if (!closed) await server?.close();
});

/** "Redis lost everything", limited to this test's own key prefix (on every primary of a cluster too). */
const flushOwnKeys = () => deleteKeysWithPrefix(server.config.redisKeyPrefix);

const stats = async (concertId: number) => (await adminClient(server.url)).getQueueStats({ concertId: BigInt(concertId) });

describe("the queue policy survives a Redis flush (SPEC 7.2)", () => {
  it("a paused sale stays paused and max_active stays what the operator set", async () => {
    const paused = (await newConcert(server.url, "paused")).concertId;
    const limited = (await newConcert(server.url, "limited")).concertId;
    await setMaxActive(server.url, paused, 0);
    await setMaxActive(server.url, limited, 3);
    await issue(server.url, paused, 1);
    for (const u of [11, 12, 13, 14]) await issue(server.url, limited, u);
    await waitFor(async () => Number((await stats(limited)).active) === 3, 5_000, "three active");

    const [row] = await server.app.infra.db.query<{ max_active: number; paused: number }>(
      "SELECT max_active, paused FROM queue_policies WHERE concert_id = ?", { replacements: [paused], type: QueryTypes.SELECT });
    expect(row).toMatchObject({ max_active: 0, paused: 1 });

    await flushOwnKeys(); // mid-sale: the line, the active slots and the policy copies are gone

    expect((await stats(paused)).maxActive).toBe(0);
    expect((await stats(limited)).maxActive).toBe(3);
    const newFan = await issue(server.url, paused, 2);
    expect(newFan.state).toBe(QueueState.WAITING);
    for (const u of [21, 22, 23, 24, 25]) await issue(server.url, limited, u);
    await waitFor(async () => Number((await stats(limited)).active) === 3, 5_000, "limited refilled to 3");
    // Several admission ticks (200 ms apart) later: still paused, still 3.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await statusOf(server.url, 2, newFan.token)).state).toBe(QueueState.WAITING);
    const after = await stats(limited);
    expect(Number(after.active)).toBe(3);
    expect(Number(after.waiting)).toBe(2);
    expect((await stats(paused)).maxActive).toBe(0);
  });

  it("negative control: admission without the durable policy opens a flushed paused sale at once", async () => {
    const paused = (await newConcert(server.url, "paused-2")).concertId;
    await setMaxActive(server.url, paused, 0);
    // The server's own store would put the durable policy back (its admission tick may run between the
    // flush and this control's admission): stop it, so only the store without the durable copy acts.
    closed = true;
    await server.close();
    await flushOwnKeys();
    const prefixed = testRedis(server.config.redisKeyPrefix);
    try {
      const unprotected = new RedisQueueStore(prefixed, { activeTtlSeconds: 60, defaultMaxActive: server.config.queueMaxActive });
      // Entering admits at once when there is room (enter.lua), else the admission step does.
      const e = await unprotected.enter(paused, 77);
      const r = await unprotected.admit(paused);
      expect([...e.admitted, ...r.admitted].map((a) => a.userId)).toEqual([77]);
      expect((await unprotected.status(paused, 77, e.entryId)).state).toBe(EntryState.Active);
    } finally {
      prefixed.disconnect();
    }
  });
});
