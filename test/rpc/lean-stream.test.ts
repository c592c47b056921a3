import * as http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { QueueService, QueueState } from "../../gen/concert/v1/queue_pb.js";
import { bearer } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { freePort, startChildServer, type ChildServer } from "../queue/child-server.js";
import { issue, newConcert, pool, setMaxActive } from "../queue/queue-helpers.js";

/**
 * WatchQueueStatus over HTTP/2 (gRPC and Connect streaming) is served by server/rpc/lean-stream.ts
 * instead of Connect-Node's streaming pipeline. Same interceptors and handler, so callers must see
 * exactly what they saw before (compared against a server built with leanStreams: false), and an open
 * stream must hold far less memory (negative control: the Connect pipeline holds more than 20 KB).
 */
let lean: TestServer;
let plain: TestServer;
beforeAll(async () => {
  lean = await startTestServer();
  plain = await startTestServer({}, {}, { leanStreams: false });
});
afterAll(async () => {
  await lean?.close();
  await plain?.close();
});

type Proto = "grpc" | "connect";
function watchClient(url: string, proto: Proto, headers: Record<string, string>) {
  const add: Interceptor = (next) => (req) => {
    for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
    return next(req);
  };
  const transport = proto === "grpc"
    ? createGrpcTransport({ baseUrl: url, interceptors: [add] })
    : createConnectTransport({ baseUrl: url, httpVersion: "2", interceptors: [add] });
  return createClient(QueueService, transport);
}

/** Every message (state, position, token) and how the stream ended (code and message, or "ok"). */
async function watchAll(url: string, proto: Proto, headers: Record<string, string>, abortAfter?: number) {
  const seen: Array<{ state: QueueState; position: bigint; token: string }> = [];
  const ac = new AbortController();
  try {
    for await (const m of watchClient(url, proto, headers).watchQueueStatus({}, { signal: ac.signal })) {
      seen.push({ state: m.ticket!.state, position: m.ticket!.position, token: m.ticket!.token });
      if (abortAfter !== undefined && seen.length >= abortAfter) ac.abort();
    }
    return { seen, end: "ok" };
  } catch (e) {
    const ce = ConnectError.from(e);
    return { seen, end: `${ce.code} ${ce.rawMessage}` };
  }
}

/** A raw HTTP/2 call: status, headers and trailers as sent, and the body's bytes. */
async function raw(url: string, headers: Record<string, string>, body: Buffer) {
  const session = http2.connect(url);
  try {
    return await new Promise<{ headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const s = session.request({ ":method": "POST", ":path": "/concert.v1.QueueService/WatchQueueStatus", ...headers });
      let h: http2.IncomingHttpHeaders = {};
      let t: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      s.on("response", (x) => (h = x));
      s.on("trailers", (x) => (t = x));
      s.on("data", (c: Buffer) => chunks.push(c));
      s.on("end", () => resolve({ headers: h, trailers: t, body: Buffer.concat(chunks) }));
      s.on("error", reject);
      s.end(body);
    });
  } finally {
    session.destroy();
  }
}

const statusOf = (r: Awaited<ReturnType<typeof raw>>) => r.trailers["grpc-status"] ?? r.headers["grpc-status"];
const messageOf = (r: Awaited<ReturnType<typeof raw>>) => r.trailers["grpc-message"] ?? r.headers["grpc-message"];

describe("WatchQueueStatus on the lean HTTP/2 path", () => {
  it("answers gRPC and Connect streaming callers exactly as Connect-Node's pipeline does", async () => {
    for (const proto of ["grpc", "connect"] as const) {
      const outcomes: Array<Record<string, unknown>> = [];
      for (const server of [lean, plain]) {
        const { concertId } = await newConcert(server.url);
        await setMaxActive(server.url, concertId, 1);
        const active = await issue(server.url, concertId, 1);
        const waiting = await issue(server.url, concertId, 2);
        const auth1 = await bearer(1);
        const auth2 = await bearer(2);
        const o: Record<string, unknown> = {};
        // A fan already ACTIVE: one ticket, then the stream ends.
        const a = await watchAll(server.url, proto, { ...auth1, "x-queue-token": active.token });
        o.active = { end: a.end, seen: a.seen.map((m) => ({ ...m, token: m.token === active.token })) };
        // A waiting fan, stream cancelled by the client after the first ticket.
        const w = await watchAll(server.url, proto, { ...auth2, "x-queue-token": waiting.token }, 1);
        o.waiting = { end: w.end, seen: w.seen.map((m) => ({ ...m, token: m.token === waiting.token })) };
        o.noJwt = (await watchAll(server.url, proto, { "x-queue-token": waiting.token })).end;
        o.badJwt = (await watchAll(server.url, proto, { authorization: "Bearer nope", "x-queue-token": waiting.token })).end;
        o.noToken = (await watchAll(server.url, proto, auth2)).end;
        o.forged = (await watchAll(server.url, proto, { ...auth2, "x-queue-token": "q1.1.2.3.forged" })).end;
        o.othersToken = (await watchAll(server.url, proto, { ...auth1, "x-queue-token": waiting.token })).end;
        outcomes.push(o);
      }
      expect(outcomes[0], proto).toEqual(outcomes[1]);
      expect(outcomes[0].active).toEqual({ end: "ok", seen: [{ state: QueueState.ACTIVE, position: 0n, token: true }] });
      expect((outcomes[0].waiting as { seen: unknown[] }).seen).toEqual([{ state: QueueState.WAITING, position: 1n, token: true }]);
    }
  });

  it("refuses a user's third open stream (QUEUE_MAX_WATCHERS_PER_USER) with the same answer", async () => {
    const ends: string[] = [];
    for (const server of [lean, plain]) {
      const { concertId } = await newConcert(server.url);
      await setMaxActive(server.url, concertId, 0);
      const t = await issue(server.url, concertId, 5);
      const headers = { ...(await bearer(5)), "x-queue-token": t.token };
      const ac = new AbortController();
      const open = [0, 1].map(async () => {
        try {
          for await (const _ of watchClient(server.url, "grpc", headers).watchQueueStatus({}, { signal: ac.signal })) { /* holds the slot */ }
        } catch { /* aborted below */ }
      });
      await new Promise((r) => setTimeout(r, 500));
      ends.push((await watchAll(server.url, "grpc", headers)).end);
      ac.abort();
      await Promise.all(open);
    }
    expect(ends[0]).toMatch(/^8 you already have 2 WatchQueueStatus streams open/);
    expect(ends[0]).toEqual(ends[1]);
  });

  it("answers malformed bodies with the same gRPC status as Connect-Node, never INTERNAL", async () => {
    const bodies: Record<string, Buffer> = {
      "bad protobuf": Buffer.from([0, 0, 0, 0, 7, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41]),
      "two messages": Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      "no message": Buffer.alloc(0),
      "incomplete envelope": Buffer.from([0, 0, 0, 0, 9, 1]),
    };
    for (const [what, body] of Object.entries(bodies)) {
      const got: Array<[string | string[] | undefined, string | string[] | undefined]> = [];
      for (const server of [lean, plain]) {
        const { concertId } = await newConcert(server.url);
        const t = await issue(server.url, concertId, 9);
        const r = await raw(server.url, { "content-type": "application/grpc", te: "trailers", ...(await bearer(9)), "x-queue-token": t.token }, body);
        got.push([statusOf(r), messageOf(r)]);
      }
      expect(got[0], what).toEqual(got[1]);
      expect(got[0][0], what).not.toBe("13");
    }
  });
});

describe("memory held by open WatchQueueStatus streams", () => {
  const N = 600;
  let concertId: number;
  let fans: Array<{ headers: Record<string, string> }> = [];
  beforeAll(async () => {
    ({ concertId } = await newConcert(lean.url));
    await setMaxActive(lean.url, concertId, 0);
    fans = await pool(N, 16, async (i) => {
      const user = 10_000 + i;
      const t = await issue(lean.url, concertId, user);
      return { headers: { ...(await bearer(user)), "x-queue-token": t.token } };
    });
  }, 120_000);

  /** Retained heap per open stream (after GC) in a server process of the given kind. */
  async function heapPerStream(kind: "lean" | "connect"): Promise<number> {
    const memPort = await freePort();
    const child: ChildServer = await startChildServer(lean.config, { RUN_WORKERS: "false" }, ["test/support/stream-memory-main.ts", kind, String(memPort)]);
    const sessions = Array.from({ length: 10 }, () => http2.connect(child.url));
    try {
      const heap = async () => ((await (await fetch(`http://127.0.0.1:${memPort}/`)).json()) as { heapUsed: number }).heapUsed;
      // Warm the path first, so compiled code and caches are in the baseline, not counted per stream.
      const open = (from: number, to: number) => Promise.all(fans.slice(from, to).map((f, i) => new Promise<void>((resolve, reject) => {
        const s = sessions[i % sessions.length].request({
          ":method": "POST", ":path": "/concert.v1.QueueService/WatchQueueStatus", "content-type": "application/grpc", te: "trailers", ...f.headers,
        });
        s.once("data", () => resolve());
        s.once("error", reject);
        s.once("close", () => resolve());
        s.end(Buffer.from([0, 0, 0, 0, 0]));
      })));
      await open(0, 50);
      const before = await heap();
      await open(50, N);
      const after = await heap();
      return (after - before) / (N - 50);
    } finally {
      for (const s of sessions) s.destroy();
      await child.stop();
    }
  }

  it("holds under 20 KB of heap per open stream; Connect-Node's pipeline (negative control) holds more", async () => {
    const leanKb = (await heapPerStream("lean")) / 1024;
    const connectKb = (await heapPerStream("connect")) / 1024;
    console.log(`heap per open WatchQueueStatus stream: lean ${leanKb.toFixed(1)} KB, Connect-Node pipeline ${connectKb.toFixed(1)} KB`);
    expect(leanKb).toBeLessThan(20);
    expect(connectKb).toBeGreaterThan(20);
  }, 180_000);
});
