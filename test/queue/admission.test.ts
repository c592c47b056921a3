import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adminClient, issue, leave, newConcert, QueueState, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";

describe("admission after LeaveQueue", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("gives a slot freed by LeaveQueue to the head of the line within 1 s, never exceeding max_active", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 1);
    const first = await admit(server.url, concertId, 1);
    const second = await issue(server.url, concertId, 2);
    const third = await issue(server.url, concertId, 3);
    expect([second.state, second.position, third.position]).toEqual([QueueState.WAITING, 1n, 2n]);

    const freedAt = Date.now();
    await leave(server.url, 1, first);
    await waitFor(async () => (await statusOf(server.url, 2, second.token)).state === QueueState.ACTIVE, 1_000, "the head to be admitted");
    expect(Date.now() - freedAt).toBeLessThanOrEqual(1_000);
    const after = await statusOf(server.url, 3, third.token);
    expect([after.state, after.position]).toEqual([QueueState.WAITING, 1n]);
    const stats = await (await adminClient(server.url)).getQueueStats({ concertId: BigInt(concertId) });
    expect([stats.active, stats.waiting, stats.maxActive, stats.admittedTotal]).toEqual([1n, 1n, 1, 2n]);
  });

  it("estimates the wait from the admission rate observed, and gives no estimate while paused", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 0);
    const paused = await issue(server.url, concertId, 20);
    expect(paused.estimatedWaitSeconds).toBeUndefined(); // nobody is admitted while paused: no honest estimate (SPEC 7.3: unset)
    // Observe three admissions, then pause again and queue three more fans.
    await setMaxActive(server.url, concertId, 3);
    for (const u of [21, 22]) await admit(server.url, concertId, u);
    expect((await statusOf(server.url, 20, paused.token)).state).toBe(QueueState.ACTIVE);
    await setMaxActive(server.url, concertId, 0);
    await issue(server.url, concertId, 23);
    await issue(server.url, concertId, 24);
    const third = await issue(server.url, concertId, 25);
    // 3 admissions in the 60 s window -> 0.05/s; the 3rd in line waits 3 / 0.05 = 60 s.
    const stats = await (await adminClient(server.url)).getQueueStats({ concertId: BigInt(concertId) });
    expect(stats.admissionRatePerSecond).toBeCloseTo(3 / 60, 5);
    expect(third.position).toBe(3n);
    expect(third.estimatedWaitSeconds).toBeUndefined(); // paused again: unknown, not a number from the old rate
    // Resumed with every slot taken: the 3rd in line waits 3 / 0.05 = 60 s.
    await setMaxActive(server.url, concertId, 3);
    expect((await statusOf(server.url, 25, third.token)).estimatedWaitSeconds).toBe(60n);
  });
});

describe("active TTL expiry", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ queueActiveTtlSeconds: 1 });
  });
  afterAll(() => server?.close());

  it("ends an ACTIVE token after QUEUE_ACTIVE_TTL_SECONDS and gives its slot to the next in line within 1 s", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 1);
    const first = await admit(server.url, concertId, 1);
    const expiresAt = timestampMs((await statusOf(server.url, 1, first)).expiresAt!);
    const next = await issue(server.url, concertId, 2);
    expect(next.state).toBe(QueueState.WAITING);

    await waitFor(async () => (await statusOf(server.url, 2, next.token)).state === QueueState.ACTIVE, 3_000, "the TTL to free the slot");
    expect(Date.now()).toBeLessThanOrEqual(expiresAt + 1_000 + 100); // +100: the status poll's own round trip
    expect((await statusOf(server.url, 1, first)).state).toBe(QueueState.EXPIRED);
    const err = await clientFor(ConcertService, server.url, { headers: { ...(await bearer(1)), "x-queue-token": first } })
      .listSchedules({ concertId: BigInt(concertId) })
      .catch((e) => e);
    expect(err.code).toBe(Code.Unauthenticated);
    const stats = await (await adminClient(server.url)).getQueueStats({ concertId: BigInt(concertId) });
    expect(stats.active).toBe(1n);
  });
});
