import * as http2 from "node:http2";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { SignJWT } from "jose";
import { Code, ConnectError } from "@connectrpc/connect";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { DEV_AUTH_JWT_SECRET } from "../../server/config/config.js";
import { build, type App } from "../../server/server.js";
import { bearer } from "../support/auth.js";
import { clientFor, type Protocol } from "../support/clients.js";
import { createTestDatabase } from "../support/database.js";
import { testConfig } from "../support/env.js";
import { issue, newConcert, queueClient, setMaxActive } from "../queue/queue-helpers.js";

/** A real server whose log lines this test reads (warn and above). */
let app: App;
let url: string;
let port: number;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const logs: Array<Record<string, unknown>> = [];
beforeAll(async () => {
  db = await createTestDatabase();
  const sink = new Writable({ write: (chunk, _enc, cb) => (logs.push(JSON.parse(String(chunk))), cb()) });
  app = await build(testConfig({ databaseUrl: db.url }), { logger: pino({ level: "warn" }, sink) });
  ({ url, port } = await app.listen(0, "127.0.0.1"));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const MALFORMED_PROTO = Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41]); // the issue's example: a length past the end

function grpcCall(path: string, body: Buffer): Promise<{ status: string | undefined; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
    let headers: http2.IncomingHttpHeaders = {};
    req.on("response", (h) => (headers = h));
    req.on("trailers", (t) => (headers = { ...headers, ...t }));
    req.resume();
    req.on("end", () => {
      session.close();
      resolve({ status: headers["grpc-status"] as string, message: headers["grpc-message"] as string });
    });
    req.end(frame);
  });
}

describe("malformed bodies are INVALID_ARGUMENT, never INTERNAL (SPEC 7.2)", () => {
  it("Connect binary: the issue's truncated protobuf", async () => {
    const res = await fetch(`${url}/concert.v1.ConcertService/ListConcerts`, { method: "POST", headers: { "content-type": "application/proto" }, body: MALFORMED_PROTO });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
  });

  it("gRPC: the same bytes in a gRPC frame", async () => {
    const r = await grpcCall("/concert.v1.ConcertService/ListConcerts", MALFORMED_PROTO);
    expect(r.status).toBe(String(Code.InvalidArgument));
  });

  // Unknown JSON fields are ignored on purpose (connect-es default): older servers accept newer clients.
  it("Connect JSON: broken JSON, wrong types, out-of-range numbers", async () => {
    for (const body of ["{", '{"pageSize":"many"}', '{"pageSize":1e99}', '{"pageSize":-1.5}', "[]", "null", '"x"', "\u0000"]) {
      const res = await fetch(`${url}/concert.v1.ConcertService/ListConcerts`, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { code: string }).code, body).toBe("invalid_argument");
    }
  });

  it("no INTERNAL was logged for any of them", () => {
    expect(logs.filter((l) => l.msg === "rpc failed")).toEqual([]);
  });
});

describe("ids and JWT subjects (SPEC 7.2)", () => {
  it("an id above 2^53 is refused naming the field, over every protocol, instead of becoming 0", async () => {
    for (const protocol of ["connect", "grpc", "grpc-web"] as Protocol[]) {
      const e = await clientFor(ConcertService, url, { protocol }).getConcert({ concertId: 2n ** 60n }).catch((x) => x);
      expect(e, protocol).toBeInstanceOf(ConnectError);
      expect((e as ConnectError).code).toBe(Code.InvalidArgument);
      expect((e as ConnectError).rawMessage).toMatch(/concert_id 1152921504606846976 is out of range/);
      expect((e as ConnectError).rawMessage).not.toMatch(/concert 0/);
    }
  });

  it("a JWT whose sub is a JSON number, or not all digits, is UNAUTHENTICATED; the same id as a string works", async () => {
    const sign = (sub: unknown) =>
      new SignJWT({ sub } as Record<string, unknown>).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(DEV_AUTH_JWT_SECRET));
    for (const sub of [42, 42.0, "0x2a", "42 ", "-42", "", "4".repeat(17), true, ["42"]]) {
      const payments = clientFor(PaymentService, url, { headers: { authorization: `Bearer ${await sign(sub)}` } });
      const e = await payments.getBalance({}).catch((x) => x);
      expect(e, JSON.stringify(sub)).toBeInstanceOf(ConnectError);
      expect((e as ConnectError).code, JSON.stringify(sub)).toBe(Code.Unauthenticated);
    }
    const ok = clientFor(PaymentService, url, { headers: { authorization: `Bearer ${await sign("42")}` } });
    expect(Number((await ok.getBalance({})).balance)).toBe(0);
  });
});

describe("a client cancelling its own call", () => {
  it("is not logged as a server error", async () => {
    const { concertId } = await newConcert(url);
    await setMaxActive(url, concertId, 0);
    const token = (await issue(url, concertId, 5)).token;
    for (const protocol of ["connect", "grpc"] as Protocol[]) {
      const ac = new AbortController();
      const it = (await queueClient(url, 5, token, protocol)).watchQueueStatus({}, { signal: ac.signal })[Symbol.asyncIterator]();
      await it.next();
      ac.abort();
      await it.next().catch(() => {});
    }
    // A unary call abandoned mid-flight, too.
    const ac = new AbortController();
    const p = clientFor(ConcertService, url, { protocol: "grpc", headers: await bearer(5) }).listConcerts({}, { signal: ac.signal }).catch(() => {});
    ac.abort();
    await p;
    await new Promise((r) => setTimeout(r, 500));
    expect(logs.filter((l) => (l.level as number) >= 50 || l.msg === "rpc failed")).toEqual([]);
  });
});
