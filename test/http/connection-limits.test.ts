import * as http2 from "node:http2";
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ConnectionLimits } from "../../server/config/config.js";
import { createTestDatabase } from "../support/database.js";
import { ErrorCode, RawH2 } from "../support/h2-raw.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { issue, newConcert, queueClient, setMaxActive } from "../queue/queue-helpers.js";

/**
 * SPEC 7.2 limits, each attacked on a real server over loopback. Every attack runs twice: against a
 * server with small limits (the attack is stopped) and against one whose limits are set out of reach
 * (the same attack goes through), which shows the mechanism, not luck, is what stopped it.
 */
const LIST = "/concert.v1.ConcertService/ListConcerts";
const strict: ConnectionLimits = { h2MaxConcurrentStreams: 10, headersTimeoutMs: 300, idleTimeoutMs: 400, h2MaxResetsPer10s: 50 };
const loose: ConnectionLimits = { h2MaxConcurrentStreams: 100_000, headersTimeoutMs: 600_000, idleTimeoutMs: 600_000, h2MaxResetsPer10s: 10_000_000 };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tight: TestServer;
let open: TestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  [tight, open] = await Promise.all([
    // A short RPC deadline too: an unfinished body is cut at headers timeout + deadline.
    startTestServer({ databaseUrl: db.url, requestTimeoutMs: 3_000, limits: { ...strict, queueMaxWatchersPerUser: 2 } }),
    startTestServer({ databaseUrl: db.url, limits: { ...loose, queueMaxWatchersPerUser: 1_000_000 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([tight?.close(), open?.close()]);
  await db?.drop();
});

/** Whether the socket is closed by the server within ms (for the negative controls: it must not be). */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function tcp(port: number): Promise<net.Socket> {
  const s = net.connect(port, "127.0.0.1");
  s.on("error", () => {});
  s.resume(); // read what the server sends (a 408, a FIN), or 'close' would wait on our side
  await new Promise((r) => s.once("connect", r));
  return s;
}

/** Attacks that hold a connection without completing a request: each must be cut by HEADERS_TIMEOUT_MS. */
const stalls: Record<string, (s: net.Socket) => void> = {
  "a silent connection": () => {},
  "a partial HTTP/2 preface": (s) => s.write("PRI * HTTP/2.0\r\n"),
  "HTTP/1.1 headers dribbled a line at a time (slowloris)": (s) => {
    s.write(`POST ${LIST} HTTP/1.1\r\nHost: x\r\n`);
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(`x-pad-${Date.now()}: 1\r\n`)), 50);
    s.once("close", () => clearInterval(t));
  },
  "an HTTP/1.1 body that never finishes": (s) => s.write(`POST ${LIST} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"pa`),
};

describe("HEADERS_TIMEOUT_MS", () => {
  for (const [name, attack] of Object.entries(stalls)) {
    it(`closes ${name}`, async () => {
      const [a, b] = await Promise.all([tcp(tight.port), tcp(open.port)]);
      attack(a);
      attack(b);
      const [cut, kept] = await Promise.all([closedWithin(a, 15_000), closedWithin(b, 2_000)]);
      expect(cut).toBe(true);
      expect(kept, "negative control: with the timeout out of reach the connection stays").toBe(false);
      a.destroy();
      b.destroy();
    });
  }
});

describe("IDLE_TIMEOUT_MS", () => {
  it("closes an HTTP/1.1 keep-alive connection with no request in flight", async () => {
    const [a, b] = await Promise.all([tcp(tight.port), tcp(open.port)]);
    for (const s of [a, b]) {
      const answered = new Promise((r) => s.once("data", r));
      s.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      await answered;
    }
    const [cut, kept] = await Promise.all([closedWithin(a, 15_000), closedWithin(b, 2_000)]);
    expect(cut).toBe(true);
    expect(kept).toBe(false);
    a.destroy();
    b.destroy();
  });

  it("sends GOAWAY and closes an HTTP/2 connection with no open stream, but not one with a stream open", async () => {
    const idle = async (port: number) => {
      const session = http2.connect(`http://127.0.0.1:${port}`);
      session.on("error", () => {});
      const goaway = new Promise<boolean>((r) => session.once("goaway", () => r(true)));
      const req = session.request({ ":path": "/healthz" });
      req.resume();
      await new Promise((r) => req.once("close", r));
      return { session, goaway, closed: new Promise<boolean>((r) => session.once("close", () => r(true))) };
    };
    const [a, b] = await Promise.all([idle(tight.port), idle(open.port)]);
    const timeout = (ms: number) => new Promise<boolean>((r) => setTimeout(() => r(false), ms));
    expect(await Promise.race([a.goaway, timeout(15_000)])).toBe(true);
    expect(await Promise.race([a.closed, timeout(15_000)])).toBe(true);
    expect(await Promise.race([b.goaway, timeout(2_000)]), "negative control").toBe(false);
    b.session.destroy();

    // A stream in flight (here a request whose body is still coming) is not idleness.
    const busy = await RawH2.connect(tight.port);
    const id = busy.request(LIST);
    expect(await closedWithin(busy.socket, 2_000)).toBe(false);
    busy.data(id, Buffer.alloc(0));
    await busy.until(() => busy.answeredStreams().has(id), 5_000);
    busy.destroy();
  });
});

describe("H2_MAX_CONCURRENT_STREAMS", () => {
  it("refuses streams beyond the limit on one connection (REFUSED_STREAM), even from a client that ignores SETTINGS", async () => {
    const flood = async (port: number) => {
      const c = await RawH2.connect(port, { ackSettings: false });
      const ids = Array.from({ length: 30 }, () => c.request(LIST));
      // Give each request its (empty) body, so every stream the server accepted is answered.
      await c.until(() => c.resetStreams().size > 0 || c.goaway !== undefined || c.frames.length > 2, 2_000).catch(() => {});
      for (const id of ids) if (!c.socket.destroyed) c.data(id, Buffer.alloc(0));
      await c.until(() => c.socket.destroyed || ids.every((id) => c.answeredStreams().has(id) || c.resetStreams().has(id)), 10_000);
      c.destroy();
      const refused = c.frames.filter((f) => f.type === 3 && f.payload.readUInt32BE(0) === ErrorCode.REFUSED_STREAM).length;
      return { answered: ids.filter((id) => c.answeredStreams().has(id)).length, refused };
    };
    const limited = await flood(tight.port);
    expect(limited.answered).toBe(strict.h2MaxConcurrentStreams);
    expect(limited.refused).toBe(30 - strict.h2MaxConcurrentStreams);
    const unlimited = await flood(open.port);
    expect(unlimited.answered, "negative control").toBe(30);
  });
});

describe("H2_MAX_RESETS_PER_10S", () => {
  it("answers a rapid-reset burst with GOAWAY (ENHANCE_YOUR_CALM) and closes the connection", async () => {
    const burst = async (port: number) => {
      const c = await RawH2.connect(port);
      for (let i = 0; i < 200 && !c.socket.destroyed; i++) c.reset(c.request(LIST));
      return c;
    };
    const a = await burst(tight.port);
    await a.until(() => a.goaway !== undefined, 10_000);
    expect(a.goaway!.code).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    expect(await closedWithin(a.socket, 10_000)).toBe(true);

    const b = await burst(open.port);
    const id = b.request("/healthz", { method: "GET", endStream: true, headers: {} });
    await b.until(() => b.answeredStreams().has(id), 10_000);
    expect(b.goaway, "negative control: the same burst passes without the limit").toBeUndefined();
    b.destroy();
  });
});

describe("QUEUE_MAX_WATCHERS_PER_USER", () => {
  it("refuses a third WatchQueueStatus stream of one user with RESOURCE_EXHAUSTED, and frees the slot when one ends", async () => {
    const { concertId } = await newConcert(tight.url);
    const tokens = new Map<string, string>();
    for (const s of [tight, open]) {
      await setMaxActive(s.url, concertId, 0); // everyone waits, so streams stay open
      tokens.set(s.url, (await issue(s.url, concertId, 7)).token);
    }
    const watch = async (url: string) => {
      const token = tokens.get(url)!;
      const ac = new AbortController();
      const it = (await queueClient(url, 7, token)).watchQueueStatus({}, { signal: ac.signal })[Symbol.asyncIterator]();
      const first = await it.next();
      return { ac, first, it };
    };
    const held = [await watch(tight.url), await watch(tight.url)];
    const third = await watch(tight.url).catch((e) => e);
    expect(third).toBeInstanceOf(ConnectError);
    expect((third as ConnectError).code).toBe(Code.ResourceExhausted);
    expect((third as ConnectError).rawMessage).toMatch(/at most 2/);

    held[0].ac.abort();
    let again: unknown;
    for (let i = 0; i < 50; i++) {
      again = await watch(tight.url).catch((e) => e);
      if (!(again instanceof ConnectError)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(again).not.toBeInstanceOf(ConnectError);
    (again as { ac: AbortController }).ac.abort();
    held[1].ac.abort();

    // Negative control: the same user, same token, five streams at once on a server without the cap.
    const streams = await Promise.all(Array.from({ length: 5 }, () => watch(open.url)));
    expect(streams.every((s) => s.first.done === false)).toBe(true);
    for (const s of streams) s.ac.abort();
  });
});
