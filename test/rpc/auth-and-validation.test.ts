import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { bearer, jwtFor } from "../support/auth.js";
import { clientFor, postJson } from "../support/clients.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("JWT auth (SPEC section 2)", () => {
  it("lets anyone list concerts without a JWT", async () => {
    const res = await postJson(server.url, "concert.v1.ConcertService/ListConcerts", {});
    expect(res.status).toBe(200);
  });

  it("refuses AdminService without a JWT (UNAUTHENTICATED) and for non-admins (PERMISSION_DENIED)", async () => {
    const anon = clientFor(AdminService, server.url);
    await expect(anon.createConcert({ title: "t", artist: "a", venue: "v" })).rejects.toMatchObject({ code: Code.Unauthenticated });
    const fan = clientFor(AdminService, server.url, { headers: await bearer(7) });
    const err = await fan.createConcert({ title: "t", artist: "a", venue: "v" }).catch((e) => e);
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toMatch(/role "admin"/);
    const list = await clientFor(ConcertService, server.url).listConcerts({});
    expect(list.concerts).toHaveLength(0);
  });

  it("refuses expired, tampered, wrongly signed and malformed JWTs", async () => {
    const expired = await jwtFor(5, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const wrongKey = await jwtFor(5, { secret: "another-secret-entirely-another-secret" });
    const good = await jwtFor(5);
    const tampered = good.slice(0, -3) + (good.endsWith("AAA") ? "BBB" : "AAA");
    const cases: Record<string, string> = {
      expired: `Bearer ${expired}`,
      wrongKey: `Bearer ${wrongKey}`,
      tampered: `Bearer ${tampered}`,
      malformed: "Bearer not-a-jwt",
      noScheme: good,
    };
    for (const [name, authorization] of Object.entries(cases)) {
      const err = await clientFor(PaymentService, server.url, { headers: { authorization } }).getBalance({}).catch((e) => e);
      expect(err.code, name).toBe(Code.Unauthenticated);
    }
    const expiredErr = await clientFor(PaymentService, server.url, { headers: { authorization: cases.expired } }).getBalance({}).catch((e) => e);
    expect(expiredErr.rawMessage).toMatch(/expired/);
  });

  it("creates no user row on sight: a new fan's balance reads 0, and the first charge creates the user and balance rows", async () => {
    const client = clientFor(PaymentService, server.url, { headers: await bearer(31337) });
    expect(Number((await client.getBalance({})).balance)).toBe(0);
    const db = server.app.infra.db;
    const count = async (sql: string) => Number(((await db.query(sql)) as [Array<{ n: number }>, unknown])[0][0].n);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE id = 31337")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM balances WHERE user_id = 31337")).toBe(0);
    expect(Number((await client.chargeBalance({ amount: 700n, idempotencyKey: "first" })).balance)).toBe(700);
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE id = 31337")).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM balances WHERE user_id = 31337 AND balance = 700")).toBe(1);
  });

  it("refuses a JWT whose sub is not a positive decimal user id", async () => {
    for (const sub of ["0", "-4", "abc", "12.5"]) {
      const err = await clientFor(PaymentService, server.url, { headers: await bearer(sub) }).getBalance({}).catch((e) => e);
      expect(err.code, sub).toBe(Code.Unauthenticated);
    }
  });
});

describe("protovalidate rules run before any handler", () => {
  it("rejects a bad request with INVALID_ARGUMENT naming the field", async () => {
    const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
    const err = await admin.createConcert({ title: "", artist: "a", venue: "v" }).catch((e) => e);
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/title/);

    const badDate = await admin
      .addSchedule({ concertId: 1n, date: "2026-13-01", startsAt: timestampFromDate(new Date()), grades: [{ grade: "R", count: 10, price: 1000n }] })
      .catch((e) => e);
    expect(badDate.code).toBe(Code.InvalidArgument);
    expect(badDate.rawMessage).toMatch(/date/);

    const res = await postJson(server.url, "concert.v1.ConcertService/ListConcerts", { pageSize: 1000 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_argument" });
    expect(res.body.message).toMatch(/page_size/);
  });

  it("leaves nothing half-written when a schedule is refused", async () => {
    const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
    const { concert } = await admin.createConcert({ title: "Summer", artist: "a", venue: "v" });
    const wrongDay = await admin
      .addSchedule({
        concertId: concert!.id,
        date: "2027-05-01",
        startsAt: timestampFromDate(new Date("2027-05-01T16:00:00Z")), // 2027-05-02 01:00 in Seoul
        grades: [{ grade: "R", count: 10, price: 1000n }],
      })
      .catch((e) => e);
    expect(wrongDay.code).toBe(Code.InvalidArgument);
    expect(wrongDay.rawMessage).toMatch(/starts_at/);
    const unknown = await admin
      .addSchedule({ concertId: 987654n, date: "2027-05-01", startsAt: timestampFromDate(new Date("2027-05-01T10:00:00Z")), grades: [{ grade: "R", count: 1, price: 1n }] })
      .catch((e) => e);
    expect(unknown.code).toBe(Code.NotFound);
    const [rows] = (await server.app.infra.db.query("SELECT COUNT(*) AS n FROM schedules")) as [Array<{ n: number }>, unknown];
    expect(Number(rows[0].n)).toBe(0);
  });

  it("creates a schedule with seats numbered 1..N across grades in order", async () => {
    const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
    const { concert } = await admin.createConcert({ title: "Autumn", artist: "a", venue: "v" });
    const { schedule } = await admin.addSchedule({
      concertId: concert!.id,
      date: "2027-10-03",
      startsAt: timestampFromDate(new Date("2027-10-03T10:00:00Z")),
      grades: [
        { grade: "VIP", count: 3, price: 200_000n },
        { grade: "R", count: 5, price: 150_000n },
      ],
    });
    expect(schedule).toMatchObject({ concertId: concert!.id, date: "2027-10-03", totalSeats: 8, availableSeats: 8 });
    const [seats] = (await server.app.infra.db.query(
      "SELECT seat_number, grade, price FROM seats WHERE schedule_id = ? ORDER BY seat_number",
      { replacements: [Number(schedule!.id)] },
    )) as [Array<{ seat_number: number; grade: string; price: number }>, unknown];
    expect(seats.map((s) => `${s.seat_number}${s.grade}`)).toEqual(["1VIP", "2VIP", "3VIP", "4R", "5R", "6R", "7R", "8R"]);

    const updated = await admin.updateConcert({ concertId: concert!.id, venue: "KSPO Dome" });
    expect(updated.concert).toMatchObject({ title: "Autumn", venue: "KSPO Dome" });
    await expect(admin.updateConcert({ concertId: 55555n, title: "x" })).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("pages through concerts with an opaque token and rejects a forged one", async () => {
    const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
    for (let i = 0; i < 5; i++) await admin.createConcert({ title: `Page ${i}`, artist: "a", venue: "v" });
    const client = clientFor(ConcertService, server.url);
    const seen: bigint[] = [];
    let token = "";
    do {
      const page = await client.listConcerts({ pageSize: 2, pageToken: token });
      expect(page.concerts.length).toBeLessThanOrEqual(2);
      seen.push(...page.concerts.map((c) => c.id));
      token = page.nextPageToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    await expect(client.listConcerts({ pageToken: "garbage" })).rejects.toMatchObject({ code: Code.InvalidArgument });
  });
});
