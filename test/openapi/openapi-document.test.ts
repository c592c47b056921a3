import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DescService } from "@bufbuild/protobuf";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { accessOf } from "../../server/rpc/access-policy.js";
import { bearer } from "../support/auth.js";
import { postJson } from "../support/clients.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { seedConcert } from "../support/booking-api.js";

// gen/openapi/ is kept fresh by test/db/schema-and-codegen.test.ts (it compares all of gen/ with `buf generate`).
const root = join(import.meta.dirname, "..", "..");
type Doc = { paths: Record<string, { post: Record<string, any> }>; components: { schemas: Record<string, any> } };
const loadDoc = async (): Promise<Doc> => JSON.parse(await readFile(join(root, "gen", "openapi", "concert.v1.openapi.json"), "utf8"));
const services: DescService[] = [AdminService, ConcertService, QueueService, ReservationService, PaymentService];

/** JSON Schema validation of bodies against the document's component schemas (draft 2020-12, as OpenAPI 3.1). */
function schemaChecker(doc: Doc) {
  const Ajv2020 = (Ajv2020Module as any).default ?? Ajv2020Module;
  const addFormats = (addFormatsModule as any).default ?? addFormatsModule;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ["int32", "int64", "float", "double", "byte"]) ajv.addFormat(f, true);
  ajv.addSchema({ $id: "openapi.json", components: { schemas: doc.components.schemas } });
  return (name: string, body: unknown) => {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`)!;
    const ok = validate(body) as boolean;
    return { ok, errors: ajv.errorsText(validate.errors) };
  };
}

describe("OpenAPI document of the Connect JSON API (gen/openapi/concert.v1.openapi.json)", () => {
  it("is valid OpenAPI 3.1 for a maintained validator, which does reject a broken one", async () => {
    const doc = await loadDoc();
    const validator = new Validator();
    const res = await validator.validate(doc as never);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    // negative control: the validator is not a rubber stamp
    const broken = structuredClone(doc) as any;
    broken.paths["/concert.v1.ConcertService/ListConcerts"].post.responses = { "200": { content: {} } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("has one POST per RPC: unary as application/json, server streams as application/connect+json, with the access the server enforces", async () => {
    const doc = await loadDoc();
    let count = 0;
    for (const s of services) {
      for (const m of s.methods) {
        const op = doc.paths[`/${s.typeName}/${m.name}`]?.post;
        expect(op, `${s.typeName}/${m.name}`).toBeDefined();
        count++;
        const type = m.methodKind === "server_streaming" ? "application/connect+json" : "application/json";
        expect(Object.keys(op.requestBody.content)).toEqual([type]);
        expect(op.requestBody.content[type].schema).toEqual({ $ref: `#/components/schemas/${m.input.typeName}` });
        expect(op.responses["200"].content[type].schema).toEqual({ $ref: `#/components/schemas/${m.output.typeName}` });
        expect(op.responses.default).toEqual({ $ref: "#/components/responses/ConnectError" });
        const access = accessOf(s.typeName, m.name);
        if (access === "public") expect(op.security, `${m.name} is public`).toEqual([]);
        else expect(op.security[0], `${m.name} needs a JWT`).toHaveProperty("bearerAuth");
      }
    }
    expect(Object.keys(doc.paths)).toHaveLength(count);
    expect(doc.paths["/concert.v1.QueueService/WatchQueueStatus"].post.security).toEqual([{ bearerAuth: [], queueToken: [] }]);
  });

  it("maps proto3 JSON and protovalidate rules into the schemas", async () => {
    const { components: { schemas } } = await loadDoc();
    expect(schemas["concert.v1.Concert"].properties.id).toMatchObject({ type: ["string", "integer"], format: "int64" });
    expect(schemas["concert.v1.Schedule"].properties.startsAt).toMatchObject({ type: "string", format: "date-time" });
    expect(schemas["concert.v1.Seat"].properties.status).toMatchObject({ $ref: "#/components/schemas/concert.v1.SeatStatus" });
    expect(schemas["concert.v1.SeatStatus"].enum).toContain("SEAT_STATUS_AVAILABLE");
    expect(schemas["concert.v1.ChargeBalanceRequest"].properties.amount).toMatchObject({ minimum: 1, maximum: 10_000_000 });
    expect(schemas["concert.v1.ChargeBalanceRequest"].properties.idempotencyKey).toMatchObject({ minLength: 1, maxLength: 128 });
    expect(schemas["concert.v1.HoldSeatsRequest"].properties.seatNumbers).toMatchObject({
      type: "array", minItems: 1, maxItems: 4, uniqueItems: true, items: { type: "integer", minimum: 1 },
    });
    expect(schemas["concert.v1.HoldSeatsRequest"].properties.scheduleId).toMatchObject({ exclusiveMinimum: 0 });
    expect(schemas["concert.v1.AddScheduleRequest"].required).toEqual(["startsAt"]);
    expect(schemas["concert.v1.AddScheduleRequest"].properties.date.pattern).toMatch(/^\^\[0-9\]\{4\}/);
    expect(schemas["connect.Error"].properties.code.enum).toContain("invalid_argument");
  });

  describe("against the real server", () => {
    let server: TestServer;
    let concertId: number;
    let scheduleId: number;
    let check: ReturnType<typeof schemaChecker>;
    beforeAll(async () => {
      server = await startTestServer();
      ({ concertId, scheduleId } = await seedConcert(server.url));
      check = schemaChecker(await loadDoc());
    });
    afterAll(async () => {
      await server?.close();
    });

    it("responses and errors the server sends fit their schemas", async () => {
      const list = await postJson(server.url, "concert.v1.ConcertService/ListConcerts", {});
      expect(list.status).toBe(200);
      expect(check("concert.v1.ListConcertsResponse", list.body)).toEqual({ ok: true, errors: "No errors" });

      const fan = await bearer(42);
      const issued = await postJson(server.url, "concert.v1.QueueService/IssueToken", { concertId: String(concertId) }, fan);
      expect(check("concert.v1.IssueTokenResponse", issued.body).errors).toBe("No errors");
      const withToken = { ...fan, "x-queue-token": issued.body.ticket.token };
      const seats = await postJson(server.url, "concert.v1.ConcertService/ListSeats", { scheduleId: String(scheduleId) }, withToken);
      expect(check("concert.v1.ListSeatsResponse", seats.body).errors).toBe("No errors");
      const held = await postJson(server.url, "concert.v1.ReservationService/HoldSeats", { scheduleId, seatNumbers: [1, 2] }, withToken);
      expect(held.status).toBe(200);
      expect(check("concert.v1.HoldSeatsResponse", held.body).errors).toBe("No errors");

      const taken = await postJson(server.url, "concert.v1.ReservationService/HoldSeats", { scheduleId, seatNumbers: [2] }, withToken);
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe("already_exists");
      expect(check("connect.Error", taken.body).errors).toBe("No errors");
      const anonymous = await postJson(server.url, "concert.v1.PaymentService/GetBalance", {});
      expect(anonymous.status).toBe(401);
      expect(check("connect.Error", anonymous.body).errors).toBe("No errors");
    });

    it("a request body fits its schema exactly when the server's validation accepts it", async () => {
      const admin = await bearer(1, { admin: true });
      const user = await bearer(7);
      const token = await admit(server.url, concertId, 7);
      const cases: Array<[rpc: string, type: string, body: unknown, headers: Record<string, string>]> = [
        ["AdminService/CreateConcert", "CreateConcertRequest", { title: "T", artist: "A", venue: "V" }, admin],
        ["AdminService/CreateConcert", "CreateConcertRequest", { title: "", artist: "A", venue: "V" }, admin],
        ["AdminService/CreateConcert", "CreateConcertRequest", { title: "x".repeat(201), artist: "A", venue: "V" }, admin],
        ["AdminService/SetQueuePolicy", "SetQueuePolicyRequest", { concertId: String(concertId), maxActive: 100_001 }, admin],
        ["AdminService/SetQueuePolicy", "SetQueuePolicyRequest", { concertId: String(concertId), maxActive: 100 }, admin],
        ["AdminService/AddSchedule", "AddScheduleRequest", { concertId, date: "2030-13-01", grades: [] }, admin],
        ["PaymentService/ChargeBalance", "ChargeBalanceRequest", { amount: "5000", idempotencyKey: "k1" }, user],
        ["PaymentService/ChargeBalance", "ChargeBalanceRequest", { amount: 0, idempotencyKey: "k2" }, user],
        ["PaymentService/ChargeBalance", "ChargeBalanceRequest", { amount: "10000001", idempotencyKey: "k3" }, user],
        ["PaymentService/ChargeBalance", "ChargeBalanceRequest", { amount: 5000, idempotencyKey: "" }, user],
        ["ReservationService/HoldSeats", "HoldSeatsRequest", { scheduleId, seatNumbers: [] }, { ...user, "x-queue-token": token }],
        ["ReservationService/HoldSeats", "HoldSeatsRequest", { scheduleId, seatNumbers: [5, 5] }, { ...user, "x-queue-token": token }],
        ["ReservationService/HoldSeats", "HoldSeatsRequest", { scheduleId, seatNumbers: [1, 2, 3, 4, 5] }, { ...user, "x-queue-token": token }],
        ["ReservationService/HoldSeats", "HoldSeatsRequest", { scheduleId, seatNumbers: [0] }, { ...user, "x-queue-token": token }],
        ["ReservationService/HoldSeats", "HoldSeatsRequest", { scheduleId: 0, seatNumbers: [5] }, { ...user, "x-queue-token": token }],
        ["ReservationService/HoldSeats", "HoldSeatsRequest", { scheduleId, seatNumbers: [5] }, { ...user, "x-queue-token": token }],
      ];
      const rows = [];
      for (const [rpc, type, body, headers] of cases) {
        const res = await postJson(server.url, `concert.v1.${rpc}`, body, headers);
        const schemaOk = check(`concert.v1.${type}`, body).ok;
        const serverOk = res.status === 200;
        rows.push({ rpc, body: JSON.stringify(body).slice(0, 60), schemaOk, serverOk, code: res.body?.code });
      }
      // every case is either accepted by both or refused by both (the server with invalid_argument)
      for (const r of rows) {
        expect(r.schemaOk, JSON.stringify(r)).toBe(r.serverOk);
        if (!r.serverOk) expect(r.code, JSON.stringify(r)).toBe("invalid_argument");
      }
      expect(rows.filter((r) => r.serverOk).length).toBeGreaterThanOrEqual(4);
      expect(rows.filter((r) => !r.serverOk).length).toBeGreaterThanOrEqual(10);
    });
  });
});
