import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { bearer } from "../support/auth.js";
import { fan, seedConcert } from "../support/booking-api.js";
import { clientFor } from "../support/clients.js";
import { uniqueId } from "../support/env.js";
import { KIND, startOtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Issue 15 item 5: with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver, one purchase step
 * is one trace from the RPC through MySQL and Redis, through the outbox and the relay's Kafka send, to the
 * sales projection's consumer. Real MySQL, Redis and Kafka; the relay and the consumer run in the server.
 */
/** Polls until `fn` finds something. */
async function until<T>(fn: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)", () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let srv: TestServer;
  const id = uniqueId("otel");
  const prefix = `${id}.`;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    srv = await startTestServer({
      kafkaTopicPrefix: prefix,
      events: { salesGroupId: `${prefix}sales`, relay: {} },
      tracing: { endpoint: receiver.url, serviceName: "concert-trace-test", sampleRatio: 1, exportDelayMs: 100 },
    });
  });
  afterAll(async () => {
    await srv?.close();
    await receiver?.close();
  });

  const inTrace = (traceId: string) => receiver.spans().filter((s) => s.traceId === traceId);
  /** True when `span` is `ancestor` or below it in the trace. */
  const below = (spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (let s: ReceivedSpan | undefined = span; s; s = byId.get(s.parentSpanId)) if (s.spanId === ancestor.spanId) return true;
    return false;
  };
  const consumerSpanOf = (traceId: string, what: string) => until(() => inTrace(traceId).find((s) => s.kind === KIND.consumer), what, 60_000);

  it("HoldSeats with a caller's traceparent: RPC span → MySQL and Redis children → Kafka send by the relay → projection consumer, one trace id", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const f = await fan(srv.url, 100, concertId);
    const traceId = randomBytes(16).toString("hex");
    const callerSpanId = randomBytes(8).toString("hex");
    const { reservation } = await f.reservations.holdSeats(
      { scheduleId: BigInt(scheduleId), seatNumbers: [1, 2] },
      { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } },
    );
    const consumer = await consumerSpanOf(traceId, "the sales projection's consumer span of the SeatsHeld event");
    const spans = inTrace(traceId);

    const rpc = spans.find((s) => s.name === "concert.v1.ReservationService/HoldSeats")!;
    expect(rpc, spans.map((s) => s.name).join(", ")).toBeDefined();
    expect(rpc.kind).toBe(KIND.server);
    expect(rpc.parentSpanId).toBe(callerSpanId); // the incoming traceparent is honoured
    expect(rpc.attributes).toMatchObject({ "rpc.system": "connect_rpc", "rpc.service": "concert.v1.ReservationService", "rpc.method": "HoldSeats" });
    expect(rpc.status).toBe(0);
    expect(rpc.resource).toMatchObject({ "service.name": "concert-trace-test" });

    const tx = spans.find((s) => s.name === "MySQL transaction" && below(spans, s, rpc));
    expect(tx?.attributes).toMatchObject({ "db.system.name": "mysql" });
    const outboxInsert = spans.find((s) => s.name === "INSERT outbox")!;
    expect(outboxInsert).toBeDefined();
    expect(below(spans, outboxInsert, tx!)).toBe(true);
    expect(String(outboxInsert.attributes["db.query.text"])).toMatch(/^INSERT INTO outbox .*traceparent/);
    const hold = spans.find((s) => s.name === "EVALSHA seatsHold")!;
    expect(hold?.attributes).toMatchObject({ "db.system.name": "redis", "db.operation.name": "EVALSHA" });
    expect(below(spans, hold, rpc)).toBe(true);

    const send = spans.find((s) => s.kind === KIND.producer)!;
    expect(send?.name).toBe(`send ${prefix}reservation-events`);
    expect(send.attributes).toMatchObject({ "messaging.system": "kafka", "messaging.destination.name": `${prefix}reservation-events`, "messaging.kafka.message.key": String(reservation!.id) });
    expect(below(spans, send, rpc)).toBe(true); // carried by the traceparent stored with the outbox row

    expect(consumer.name).toBe(`process ${prefix}reservation-events`);
    expect(consumer.parentSpanId).toBe(send.spanId); // carried by the Kafka headers
    expect(consumer.attributes).toMatchObject({ "messaging.system": "kafka", "messaging.operation.type": "process", "messaging.consumer.group.name": `${prefix}sales` });
    expect(consumer.attributes["messaging.message.id"]).toBe(send.attributes["messaging.message.id"]);
    // The projection's MySQL statements are the consumer span's children.
    expect(spans.some((s) => s.attributes["db.system.name"] === "mysql" && s.parentSpanId === consumer.spanId)).toBe(true);
  });

  it("Pay without a caller's trace starts one; PaymentCompleted reaches the consumer in it; gRPC callers' metadata is honoured too", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const f = await fan(srv.url, 200, concertId);
    const { reservation } = await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [3] });
    await f.payments.chargeBalance({ amount: 500_000n, idempotencyKey: "topup" });
    const since = receiver.spans().length;
    await f.payments.pay({ reservationId: reservation!.id, idempotencyKey: "pay" });
    const pay = await until(() => receiver.spans().slice(since).find((s) => s.name === "concert.v1.PaymentService/Pay"), "the Pay span");
    expect(pay.parentSpanId).toBe("");
    await until(() => inTrace(pay.traceId).find((s) => s.kind === KIND.consumer && s.name === `process ${prefix}payment-events`), "PaymentCompleted's consumer span", 60_000);
    // PaymentCompleted and ReservationConfirmed through the outbox, the ended queue token through queue-events.
    const producers = await until(() => {
      const names = inTrace(pay.traceId).filter((s) => s.kind === KIND.producer).map((s) => s.name).sort();
      return names.length === 3 ? names : undefined;
    }, "three producer spans in Pay's trace");
    expect(producers).toEqual([`send ${prefix}payment-events`, `send ${prefix}queue-events`, `send ${prefix}reservation-events`]);

    const traceId = randomBytes(16).toString("hex");
    const grpc = clientFor(PaymentService, srv.url, { protocol: "grpc", headers: await bearer(200) });
    await grpc.getBalance({}, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` } });
    const balance = await until(() => inTrace(traceId).find((s) => s.kind === KIND.server), "the gRPC GetBalance span");
    expect(balance.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.method": "GetBalance", "rpc.grpc.status_code": 0 });
  });

  it("refusals carry their code; only server faults mark the span failed", async () => {
    const headers = await bearer(300);
    const traceId = randomBytes(16).toString("hex");
    const payments = clientFor(PaymentService, srv.url, { headers: { ...headers, traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` } });
    await expect(payments.chargeBalance({ amount: 0n, idempotencyKey: "bad" })).rejects.toThrow();
    const span = await until(() => inTrace(traceId).find((s) => s.kind === KIND.server), "the refused RPC's span");
    expect(span.attributes["rpc.connect_rpc.error_code"]).toBe("invalid_argument");
    expect(span.status).toBe(0);
  });

  it("background work outside a trace records nothing: every root span is an RPC's server span", async () => {
    // The relay polls, the admission loop and the sweeper tick, the projection reads Kafka all the time;
    // none of that may start traces of its own (MySQL, Redis and Kafka spans are only ever children).
    await new Promise((r) => setTimeout(r, 1_000));
    const roots = receiver.spans().filter((s) => s.parentSpanId === "");
    expect(roots.length).toBeGreaterThan(0);
    expect(roots.filter((s) => s.kind !== KIND.server).map((s) => s.name)).toEqual([]);
  });
});
