import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService, GetConcertRequestSchema, ListConcertsRequestSchema, type GetConcertResponse, type ListConcertsResponse } from "../../gen/concert/v1/concert_pb.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { bearer } from "../support/auth.js";
import { clientFor, postJson } from "../support/clients.js";
import { grpcJsClient, unary } from "../support/grpc-js.js";

let server: TestServer;
let concertId: bigint;

beforeAll(async () => {
  server = await startTestServer();
  const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
  const { concert } = await admin.createConcert({ title: "Spring Tour", artist: "IU", venue: "Olympic Hall", description: "opening night" });
  concertId = concert!.id;
});
afterAll(() => server?.close());

describe("one port, every protocol", () => {
  it("answers GetConcert over Connect JSON as curl sends it", async () => {
    const res = await postJson(server.url, "concert.v1.ConcertService/GetConcert", { concertId: String(concertId) });
    expect(res.status).toBe(200);
    expect(res.body.concert).toMatchObject({ id: String(concertId), title: "Spring Tour", artist: "IU", venue: "Olympic Hall" });
  });

  it("answers the same RPC over gRPC with prior knowledge from a @grpc/grpc-js client", async () => {
    const client = grpcJsClient(ConcertService, `127.0.0.1:${server.port}`);
    try {
      const res = await unary<GetConcertResponse>(client, "getConcert", create(GetConcertRequestSchema, { concertId }));
      expect(res.concert?.title).toBe("Spring Tour");
      expect(res.concert?.id).toBe(concertId);
      const list = await unary<ListConcertsResponse>(client, "listConcerts", create(ListConcertsRequestSchema, {}));
      expect(list.concerts.map((c) => c.id)).toContain(concertId);
    } finally {
      client.close();
    }
  });

  it("answers the same RPC over gRPC-Web and Connect binary", async () => {
    for (const protocol of ["grpc-web", "grpc", "connect"] as const) {
      const client = clientFor(ConcertService, server.url, { protocol });
      const res = await client.getConcert({ concertId });
      expect(res.concert?.artist, protocol).toBe("IU");
    }
  });

  it("carries error codes over gRPC too", async () => {
    const client = grpcJsClient(ConcertService, `127.0.0.1:${server.port}`);
    try {
      const err = (await unary(client, "getConcert", create(GetConcertRequestSchema, { concertId: 999_999n })).catch((e) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.NOT_FOUND);
      expect(err.details).toMatch(/concert 999999 does not exist/);
    } finally {
      client.close();
    }
  });

  it("says UNIMPLEMENTED for an unknown method path and 404 JSON for other paths", async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    const client = clientFor(ConcertService, server.url);
    await expect(client.getConcert({ concertId: 0n })).rejects.toMatchObject({ code: Code.InvalidArgument });
  });

  it("serves /healthz and /metrics with per-RPC counters", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/rpc_requests_total\{rpc="concert.v1.ConcertService\/GetConcert",code="OK"\} \d+/);
    expect(metrics).toMatch(/rpc_requests_total\{rpc="concert.v1.ConcertService\/GetConcert",code="NotFound"\} \d+/);
    expect(metrics).toContain("db_pool_connections_in_use");
  });

  it("answers CORS preflights for browser apps with the Connect and gRPC-Web headers", async () => {
    const res = await fetch(`${server.url}/concert.v1.ConcertService/ListConcerts`, {
      method: "OPTIONS",
      headers: {
        origin: "https://tickets.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,connect-protocol-version,authorization,x-queue-token",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const allowed = res.headers.get("access-control-allow-headers")!.toLowerCase();
    for (const h of ["content-type", "connect-protocol-version", "x-grpc-web", "authorization", "x-queue-token"]) expect(allowed).toContain(h);
    const post = await fetch(`${server.url}/concert.v1.ConcertService/ListConcerts`, {
      method: "POST",
      headers: { origin: "https://tickets.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(post.headers.get("access-control-expose-headers")!.toLowerCase()).toContain("grpc-status");
  });

  it("refuses a request body above the size cap", async () => {
    const big = "x".repeat(server.config.readMaxBytes + 10);
    const res = await postJson(server.url, "concert.v1.ConcertService/ListConcerts", { pageToken: big });
    expect(res.status).not.toBe(200);
    expect(res.body.code).toBe("resource_exhausted");
  });

  it("never leaks internals in error messages", async () => {
    const client = clientFor(ConcertService, server.url);
    const err = (await client.getConcert({ concertId: 424242n }).catch((e) => e)) as ConnectError;
    expect(err.rawMessage).not.toMatch(/SELECT|sequelize|at .*\.ts/i);
  });
});
