import { describe, expect, it } from "vitest";
import { Code, ConnectError, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { createDeadlineInterceptor } from "../../server/rpc/interceptors/deadline.interceptor.js";

/**
 * The deadline interceptor serves every request from one sweeping timer (no setTimeout per call):
 * a call that hangs still gets DEADLINE_EXCEEDED, several hung calls each get theirs, and a prompt
 * answer or error passes through untouched. No speed is asserted; the hung calls would hang forever.
 */
const unary = { method: { methodKind: "unary" } } as unknown as UnaryRequest;
const hang = () => new Promise<UnaryResponse>(() => {});

describe("deadline interceptor", () => {
  it("rejects every hung unary call with DEADLINE_EXCEEDED, and lets answers and errors through", async () => {
    const withDeadline = createDeadlineInterceptor(100);
    const hung = await Promise.allSettled([withDeadline(hang)(unary), withDeadline(hang)(unary), withDeadline(hang)(unary)]);
    for (const r of hung) {
      expect(r.status).toBe("rejected");
      expect(ConnectError.from((r as PromiseRejectedResult).reason).code).toBe(Code.DeadlineExceeded);
    }
    const answer = { message: "ok" } as unknown as UnaryResponse;
    await expect(withDeadline(async () => answer)(unary)).resolves.toBe(answer);
    const failure = new ConnectError("nope", Code.NotFound);
    await expect(withDeadline(async () => { throw failure; })(unary)).rejects.toBe(failure);
    // After the line emptied, the timer starts again for a new hung call.
    await expect(withDeadline(hang)(unary)).rejects.toMatchObject({ code: Code.DeadlineExceeded });
  });

  it("negative control: without the interceptor a hung call is still pending when the deadline has passed", async () => {
    const outcome = await Promise.race([hang().then(() => "settled"), new Promise((r) => setTimeout(() => r("pending"), 300))]);
    expect(outcome).toBe("pending");
  });

  it("leaves streams alone", async () => {
    const withDeadline = createDeadlineInterceptor(100);
    const stream = { method: { methodKind: "server_streaming" } } as unknown as UnaryRequest;
    const outcome = await Promise.race([withDeadline(hang)(stream).then(() => "settled", () => "rejected"), new Promise((r) => setTimeout(() => r("pending"), 400))]);
    expect(outcome).toBe("pending");
  });
});
