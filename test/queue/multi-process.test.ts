import { afterEach, describe, expect, it } from "vitest";
import { QueueState } from "../../gen/concert/v1/queue_pb.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { startChildServer, type ChildServer } from "./child-server.js";
import { adminClient, issue, leave, newConcert, setMaxActive, statusOf } from "./queue-helpers.js";
import { UnsafeAdmissionQueueStore } from "../support/unsafe-admission.queue-store.js";

const USERS = Array.from({ length: 10 }, (_, i) => 500 + i);
const ROUNDS = 12;

let a: TestServer | undefined;
let b: ChildServer | undefined;
afterEach(async () => {
  await b?.stop();
  await a?.close();
  a = b = undefined;
});

/**
 * Two server processes on one Redis, max_active = 2. Each round the ACTIVE fans leave at the same
 * moment, one through each process (each process admits at once after a leave, and both tickers
 * run), then re-enter at the back. A sampler reads the number ACTIVE all along.
 */
async function churn(unsafeGapMs?: number): Promise<{ maxActive: number; admitted: bigint }> {
  // The negative control swaps the store for a test-only subclass in both processes (no switch in production code).
  const unsafe = unsafeGapMs !== undefined;
  a = await startTestServer({}, {}, unsafe ? { queue: { store: (redis, o) => new UnsafeAdmissionQueueStore(redis, o, unsafeGapMs) } } : {});
  b = await startChildServer(a.config, {}, unsafe ? ["test/support/queue-store-main.ts", "unsafe-admission", String(unsafeGapMs)] : undefined);
  const urls = [a.url, b.url];
  const { concertId } = await newConcert(a.url);
  await setMaxActive(b.url, concertId, 2);
  const tokens = new Map<number, string>();
  for (const [i, u] of USERS.entries()) tokens.set(u, (await issue(urls[i % 2], concertId, u)).token);

  const admin = await adminClient(a.url);
  let maxActive = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = await admin.getQueueStats({ concertId: BigInt(concertId) });
      maxActive = Math.max(maxActive, Number(s.active));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  for (let round = 0; round < ROUNDS; round++) {
    const states = await Promise.all(USERS.map(async (u) => [u, (await statusOf(a!.url, u, tokens.get(u)!)).state] as const));
    const active = states.filter(([, s]) => s === QueueState.ACTIVE).map(([u]) => u);
    await Promise.all(active.map((u, i) => leave(urls[i % 2], u, tokens.get(u)!)));
    for (const [i, u] of active.entries()) tokens.set(u, (await issue(urls[(i + 1) % 2], concertId, u)).token);
    await new Promise((r) => setTimeout(r, 150));
  }
  sampling = false;
  await sampler;
  const stats = await admin.getQueueStats({ concertId: BigInt(concertId) });
  maxActive = Math.max(maxActive, Number(stats.active));
  return { maxActive, admitted: stats.admittedTotal };
}

describe("admission with two server processes on one Redis", () => {
  it("never has more than max_active = 2 ACTIVE at any sampled moment while fans leave and enter", async () => {
    const { maxActive, admitted } = await churn();
    expect(maxActive).toBe(2);
    expect(admitted).toBeGreaterThanOrEqual(BigInt(ROUNDS)); // the line really moved
  });

  it("negative control: admission as separate read and write commands lets ACTIVE exceed max_active", async () => {
    const { maxActive } = await churn(30);
    expect(maxActive).toBeGreaterThan(2);
  });
});
