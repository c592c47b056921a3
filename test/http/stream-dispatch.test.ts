import { afterEach, describe, expect, it } from "vitest";
import type { ConnectionLimits } from "../../server/config/config.js";
import { createPolyglotListener } from "../../server/http/listener.js";
import { ErrorCode, RawH2 } from "../support/h2-raw.js";

/**
 * How the one-port listener hands HTTP/2 streams on (server/http/listener.ts): from a queue, a bounded
 * number per event-loop turn, and never a stream its client has already reset. Both keep a burst of
 * streams (a flood, rapid reset) from holding the event loop, and /healthz with it, for one long turn.
 * The limits are out of reach here, so only the dispatch itself is under test.
 */
const loose: ConnectionLimits = { h2MaxConcurrentStreams: 100_000, headersTimeoutMs: 600_000, idleTimeoutMs: 600_000, h2MaxResetsPer10s: 10_000_000 };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A listener whose handler answers every request at once and records the event-loop turn it ran in. */
async function listener() {
  const seen: Array<{ path: string; turn: number }> = [];
  let turn = 0;
  let spinning = true;
  const spin = () => {
    turn++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  const l = createPolyglotListener((req, res) => {
    seen.push({ path: req.url ?? "", turn });
    res.end("ok");
  }, { limits: loose });
  await new Promise<void>((resolve) => l.tcp.listen(0, "127.0.0.1", () => resolve()));
  close = async () => {
    spinning = false;
    await l.close(100);
  };
  return { port: (l.tcp.address() as { port: number }).port, seen };
}

describe("HTTP/2 stream dispatch", () => {
  it("never hands on a stream its client reset in the same burst (rapid reset costs no request or RPC)", async () => {
    const { port, seen } = await listener();
    const c = await RawH2.connect(port);
    c.socket.cork();
    // Half reset with an error code: Node then emits 'error' on a stream no one has taken yet, which must not crash the process.
    for (let i = 0; i < 500; i++) c.reset(c.request("/concert.v1.ConcertService/ListConcerts", { headers: { "content-type": "application/grpc" } }), i % 2 ? ErrorCode.CANCEL : ErrorCode.PROTOCOL_ERROR);
    const id = c.request("/healthz", { method: "GET", endStream: true, headers: {} });
    c.socket.uncork();
    await c.until(() => c.answeredStreams().has(id), 10_000);
    c.destroy();
    // Without the queue, all 500 reset streams reached the handler (Node processes the RST after 'stream').
    expect(seen.map((s) => s.path)).toEqual(["/healthz"]);
  });

  it("hands on at most 64 streams per event-loop turn, however many arrive in one read", async () => {
    const { port, seen } = await listener();
    const c = await RawH2.connect(port);
    c.socket.cork();
    const ids = Array.from({ length: 1_000 }, () => c.request("/healthz", { method: "GET", endStream: true, headers: {} }));
    c.socket.uncork();
    await c.until(() => ids.every((id) => c.answeredStreams().has(id)), 20_000);
    c.destroy();
    const perTurn = new Map<number, number>();
    for (const s of seen) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
    expect(seen).toHaveLength(1_000);
    // Without the queue, a read's streams were all handed on in the turn that read them (hundreds).
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(64);
  });
});
