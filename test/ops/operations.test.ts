import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { scaled } from "../support/env.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function* once<T>(...items: T[]) {
  yield* items;
}

describe("gRPC reflection and health", () => {
  it("lists the five product services over reflection v1 and v1alpha", async () => {
    const transport = createGrpcTransport({ baseUrl: server.url });
    for (const service of [ReflectionV1, ReflectionV1alpha]) {
      const client = createClient(service, transport);
      const names: string[] = [];
      for await (const res of client.serverReflectionInfo(once({ messageRequest: { case: "listServices" as const, value: "" } }))) {
        if (res.messageResponse.case === "listServicesResponse") names.push(...res.messageResponse.value.service.map((s) => s.name));
      }
      for (const s of ["QueueService", "ConcertService", "ReservationService", "PaymentService", "AdminService"]) {
        expect(names, service.typeName).toContain(`concert.v1.${s}`);
      }
    }
  });

  it("returns the file of a symbol with its dependencies, and NOT_FOUND for an unknown one", async () => {
    const client = createClient(ReflectionV1, createGrpcTransport({ baseUrl: server.url }));
    const answers = [];
    for await (const res of client.serverReflectionInfo(
      once(
        { messageRequest: { case: "fileContainingSymbol" as const, value: "concert.v1.ReservationService.HoldSeats" } },
        { messageRequest: { case: "fileContainingSymbol" as const, value: "concert.v1.Nope" } },
      ),
    )) {
      answers.push(res);
    }
    const first = answers[0].messageResponse;
    expect(first.case).toBe("fileDescriptorResponse");
    const files = (first.value as { fileDescriptorProto: Uint8Array[] }).fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name);
    expect(files[0]).toBe("concert/v1/reservation.proto");
    expect(files).toEqual(expect.arrayContaining(["buf/validate/validate.proto", "google/protobuf/timestamp.proto"]));
    expect(answers[1].messageResponse.case).toBe("errorResponse");
  });

  it("reports SERVING on grpc.health.v1 while dependencies answer", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: server.url }));
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: "concert.v1.QueueService" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    await expect(health.check({ service: "nope.Service" })).rejects.toMatchObject({ code: 5 });
  });

  it("is ready (200) when MySQL, Redis and Kafka answer", async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ready: true, checks: { mysql: "up", kafka: "up" } });
    // SPEC 7.4: a single Redis is "redis"; on the scaled topology each cluster node and replica is named
    expect(Object.keys(body.checks).sort()).toEqual(expectedCheckNames());
    expect(Object.values(body.checks).every((c) => c === "up")).toBe(true);
  });
});

/** The /readyz check names for this run's topology (single node, or `npm run test:scaled`). */
function expectedCheckNames(): string[] {
  const redis = scaled ? process.env.REDIS_CLUSTER_NODES!.split(",").map((n) => `redis:${n}`) : ["redis"];
  const replicas = (process.env.DATABASE_READ_URLS ?? "").split(",").filter(Boolean).map((u) => `mysql-replica:${new URL(u).host}`);
  return ["kafka", "mysql", ...replicas, ...redis].sort();
}

describe("readiness names what is down", () => {
  it("answers 503 naming Kafka when the app points at a closed Kafka port, and keeps serving", async () => {
    const broken = await startTestServer({ kafkaBrokers: ["127.0.0.1:1"] });
    try {
      const res = await fetch(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.checks).toEqual({ ...Object.fromEntries(expectedCheckNames().map((n) => [n, "up"])), kafka: "down" });
      expect(body.errors.kafka).toBeTruthy();
      const health = createClient(Health, createGrpcTransport({ baseUrl: broken.url }));
      expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
      const list = await fetch(`${broken.url}/concert.v1.ConcertService/ListConcerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(list.status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it("answers 503 naming Redis, and RPCs needing MySQL say UNAVAILABLE when MySQL is unreachable", async () => {
    const broken = await startTestServer({
      redisUrl: "redis://127.0.0.1:1",
      redisClusterNodes: [],
      databaseUrl: "mysql://root@127.0.0.1:1/concert",
      databaseReadUrls: [],
    });
    try {
      const res = await fetch(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.checks).toMatchObject({ mysql: "down", redis: "down" });
      const list = await fetch(`${broken.url}/concert.v1.ConcertService/ListConcerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(list.status).toBe(503);
      const err = (await list.json()) as any;
      expect(err.code).toBe("unavailable");
      expect(err.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|sequelize/i);
    } finally {
      await broken.close();
    }
  });
});
