import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@connectrpc/connect";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";

let limited: TestServer;
let unlimited: TestServer;
beforeAll(async () => {
  [limited, unlimited] = await Promise.all([
    startTestServer({ rateLimitPerSecond: 2, rateLimitBurst: 10 }),
    startTestServer({ rateLimitPerSecond: 0 }),
  ]);
});
afterAll(async () => {
  await Promise.all([limited?.close(), unlimited?.close()]);
});

const codeOf = (p: Promise<unknown>) => p.then(() => "OK", (e) => Code[e.code as Code]);

async function burst(url: string, userId: number, n: number, admin = false, refusals: string[] = []) {
  const client = clientFor(PaymentService, url, { headers: await bearer(userId, { admin }) });
  const codes = await Promise.all(Array.from({ length: n }, () => client.getBalance({}).then(() => "OK", (e) => {
    refusals.push(e.rawMessage);
    return Code[e.code as Code];
  })));
  return codes.reduce<Record<string, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
}

describe("per-user rate limit", () => {
  it("lets a burst through, then answers RESOURCE_EXHAUSTED with a message saying when to retry", async () => {
    const t0 = Date.now();
    const refusals: string[] = [];
    const counts = await burst(limited.url, 9, 30, false, refusals);
    // The bucket refills at 2/s while the burst is served; on a loaded machine the 30 calls take a while.
    const refilled = Math.ceil(((Date.now() - t0) / 1000) * 2);
    expect(counts.OK).toBeGreaterThanOrEqual(10);
    expect(counts.OK).toBeLessThanOrEqual(10 + Math.max(2, refilled));
    expect(counts.ResourceExhausted).toBe(30 - counts.OK);
    // (read from the burst's own refusals: a call made after it may find a token refilled meanwhile)
    expect(refusals.length).toBeGreaterThan(0);
    for (const m of refusals) expect(m).toMatch(/slow down and retry in \d+ ms/);
  });

  it("limits each user on their own, refills over time, and leaves public RPCs and operators alone", async () => {
    await burst(limited.url, 11, 20);
    expect((await burst(limited.url, 12, 5)).OK).toBe(5);
    const anonymous = clientFor(ConcertService, limited.url);
    const publicCodes = await Promise.all(Array.from({ length: 30 }, () => codeOf(anonymous.listConcerts({}))));
    expect(publicCodes.every((c) => c === "OK")).toBe(true);
    expect(await burst(limited.url, 1, 30, true)).toEqual({ OK: 30 });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await burst(limited.url, 11, 1)).OK).toBe(1);
  });

  it("negative control: with the limit off the same burst all succeeds", async () => {
    expect(await burst(unlimited.url, 9, 30)).toEqual({ OK: 30 });
  });
});
