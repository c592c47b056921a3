import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { ConcertService, GetConcertRequestSchema } from "../../gen/concert/v1/concert_pb.js";
import { ChargeBalanceRequestSchema, PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { grpcJsClient, metadataOf, unary } from "../support/grpc-js.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The message the Connect protocol carries (JSON, no percent-encoding): the text grpc-js must show too. */
async function connectMessage(call: () => Promise<unknown>): Promise<string> {
  const e = (await call().catch((x) => x)) as { rawMessage?: string };
  return e.rawMessage!;
}

describe("gRPC error messages arrive in @grpc/grpc-js exactly as written (SPEC 7.2)", () => {
  it("punctuation (: ; / ? , and spaces) is not percent-encoded", async () => {
    const expected = await connectMessage(() => clientFor(ConcertService, server.url).getConcert({ concertId: 2n ** 60n }));
    expect(expected).toMatch(/[:;]/);
    const client = grpcJsClient(ConcertService, `127.0.0.1:${server.port}`);
    const e = (await unary(client, "getConcert", create(GetConcertRequestSchema, { concertId: 2n ** 60n })).catch((x) => x)) as grpc.ServiceError;
    client.close();
    expect(e.details).toBe(expected);
  });

  it("non-ASCII text and '%' survive the round trip", async () => {
    const key = "키-100%;/? 50%25";
    const headers = await bearer(61);
    await clientFor(PaymentService, server.url, { headers }).chargeBalance({ amount: 10n, idempotencyKey: key });
    const client = grpcJsClient(PaymentService, `127.0.0.1:${server.port}`);
    const e = (await unary(client, "chargeBalance", create(ChargeBalanceRequestSchema, { amount: 20n, idempotencyKey: key }), metadataOf(headers)).catch((x) => x)) as grpc.ServiceError;
    client.close();
    expect(e.details).toContain(`"${key}"`);
    expect(e.details).toBe(`invalid request: idempotency_key: "${key}" was already used for a different request; use a new key for a new request`);
  });

  it("negative control: what connect-node sent before the patch (encodeURIComponent) is garbled by grpc-js's decodeURI", () => {
    const text = "reservation 1 belongs to another user; list yours with ListMyReservations";
    expect(decodeURI(encodeURIComponent(text))).toBe("reservation 1 belongs to another user%3B list yours with ListMyReservations");
  });
});
