import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBareHttp, runGenerator, type ServerProc } from "../../bench/lib/stack.js";
import { summarize } from "../../bench/lib/percentiles.mjs";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Smoke test of the bench's load generators (bench/load/*), each run as its own process for one second:
 * they must reach the target, count every answer and sort errors by code. No speed is asserted.
 */
describe("bench load generators", () => {
  let srv: TestServer;
  let bare: ServerProc;
  beforeAll(async () => {
    srv = await startTestServer();
    bare = await startBareHttp(1);
  });
  afterAll(async () => {
    await bare?.stop();
    await srv?.close();
  });

  it("percentiles are exact over the samples", () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect([s.n, s.p50, s.p95, s.p99, s.max]).toEqual([100, 50, 95, 99, 100]);
    expect(summarize([]).p99).toBeNull();
  });

  it("autocannon (Connect JSON) counts answers, and Connect error codes from the error bodies", async () => {
    const ok = await runGenerator("http", { url: bare.url, path: "/check", items: [{ body: {} }], connections: 2, durationS: 1 });
    expect(ok.requests).toBeGreaterThan(0);
    expect(ok.ok).toBe(ok.requests);
    expect(ok.errors).toEqual({});
    // GetQueueStatus without a JWT: every answer is an error the generator must sort under its Connect code.
    const denied = await runGenerator("http", { url: srv.url, path: "/concert.v1.QueueService/GetQueueStatus", items: [{ body: {} }], connections: 2, durationS: 1 });
    expect(denied.requests).toBeGreaterThan(0);
    expect(denied.ok).toBe(0);
    expect(denied.errors).toEqual({ unauthenticated: denied.requests });
  });

  it("the grpc-js generator calls the server over gRPC and sorts status codes", async () => {
    const address = new URL(srv.url).host;
    const ok = await runGenerator("grpc", { mode: "unary", address, service: "health", method: "Check", items: [{ metadata: {}, body: {} }], concurrency: 2, channels: 1, durationS: 1 });
    expect(ok.requests).toBeGreaterThan(0);
    expect(ok.ok).toBe(ok.requests);
    const denied = await runGenerator("grpc", { mode: "unary", address, service: "queue", method: "GetQueueStatus", items: [{ metadata: {}, body: {} }], concurrency: 2, channels: 1, durationS: 1 });
    expect(denied.ok).toBe(0);
    expect(denied.errors).toEqual({ unauthenticated: denied.requests });
  });
});
