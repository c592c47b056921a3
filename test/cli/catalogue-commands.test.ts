import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwtVerify } from "jose";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService, SeatStatus } from "../../gen/concert/v1/concert_pb.js";
import { DEV_AUTH_JWT_SECRET } from "../../server/config/config.js";
import { jwtFor } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { runCli } from "./cli-process.js";

let server: TestServer;
let env: Record<string, string>;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const oneLine = (s: string) => {
  const lines = s.trim().split("\n");
  expect(lines, `expected one line on stderr, got:\n${s}`).toHaveLength(1);
  return lines[0];
};

beforeAll(async () => {
  server = await startTestServer();
  env = { CONCERT_SERVER: server.url, CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }) };
});

afterAll(async () => {
  await server?.close();
});

describe("concert-admin --help", () => {
  it("lists the commands with examples, and every command's help has an example and the env fallbacks", async () => {
    const root = await runCli(["--help"]);
    expect(root.code).toBe(0);
    for (const noun of ["concerts", "schedules", "queue", "sales", "events", "token"]) expect(root.stdout).toMatch(new RegExp(`^  ${noun}\\b`, "m"));
    expect(root.stdout).toContain("Examples:");

    const add = await runCli(["schedules", "add", "--help"]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("$ concert-admin schedules add 12 --date 2026-05-01 --time 19:30 --grade");
    expect(add.stdout).toContain("env: CONCERT_SERVER");
    expect(add.stdout).toContain("env: CONCERT_ADMIN_TOKEN");
    const watch = await runCli(["events", "watch", "--help"]);
    expect(watch.stdout).toContain("env: KAFKA_BROKERS");
    expect(watch.stdout).toContain("Examples:");
  });
});

describe("concerts and schedules through the CLI", () => {
  it("creates a concert and reads it back through the API; update changes only the flags given", async () => {
    const created = await runCli(["concerts", "create", "--title", "IU 2026 Seoul", "--artist", "IU", "--venue", "KSPO Dome", "--description", "Golden Hour", "--json"], env);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const concert = JSON.parse(created.stdout) as { id: string; title: string };
    expect(concert.title).toBe("IU 2026 Seoul");

    const api = clientFor(ConcertService, server.url);
    const read = await api.getConcert({ concertId: BigInt(concert.id) });
    expect(read.concert).toMatchObject({ title: "IU 2026 Seoul", artist: "IU", venue: "KSPO Dome", description: "Golden Hour" });

    const updated = await runCli(["concerts", "update", concert.id, "--venue", "Olympic Hall"], env);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain(`updated concert ${concert.id}`);
    const after = await api.getConcert({ concertId: BigInt(concert.id) });
    expect(after.concert).toMatchObject({ title: "IU 2026 Seoul", venue: "Olympic Hall", description: "Golden Hour" });

    // Plain output for pipes: no Ink, no colour codes, greppable lines.
    const shown = await runCli(["concerts", "show", concert.id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^venue\s+Olympic Hall$/m);
    expect(shown.stdout).not.toMatch(/\u001b\[/);
    const listed = await runCli(["concerts", "list", "--json"], env);
    expect((JSON.parse(listed.stdout) as { concerts: { id: string }[] }).concerts.map((c) => c.id)).toContain(concert.id);
    const table = await runCli(["concerts", "list"], env);
    expect(table.stdout).toMatch(new RegExp(`^\\s*${concert.id}\\s+IU 2026 Seoul\\s+IU\\s+Olympic Hall$`, "m"));
  });

  it("adds a schedule whose seats and prices read back through the API in grade order", async () => {
    const { concert } = await clientFor(AdminService, server.url, { headers: { authorization: `Bearer ${env.CONCERT_ADMIN_TOKEN}` } }).createConcert({
      title: "Schedules",
      artist: "A",
      venue: "V",
    });
    const res = await runCli(
      ["schedules", "add", String(concert!.id), "--date", "2026-05-01", "--time", "19:30", "--grade", "VIP:2:198000", "--grade", "R:3:150000", "--json"],
      env,
    );
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const schedule = JSON.parse(res.stdout) as { id: string; date: string; startsAt: string; totalSeats: number };
    // 19:30 in Seoul (UTC+9) is 10:30 UTC.
    expect(schedule).toMatchObject({ date: "2026-05-01", startsAt: "2026-05-01T10:30:00Z", totalSeats: 5 });

    const token = await admit(server.url, Number(concert!.id), 501);
    const headers = { authorization: `Bearer ${await jwtFor(501)}`, "x-queue-token": token };
    const catalogue = clientFor(ConcertService, server.url, { headers });
    const { schedules } = await catalogue.listSchedules({ concertId: concert!.id });
    expect(schedules.map((s) => [s.id.toString(), s.date, s.totalSeats])).toEqual([[schedule.id, "2026-05-01", 5]]);
    const { seats } = await catalogue.listSeats({ scheduleId: BigInt(schedule.id) });
    expect(seats.map((s) => [s.number, s.grade, Number(s.price), s.status])).toEqual([
      [1, "VIP", 198000, SeatStatus.AVAILABLE],
      [2, "VIP", 198000, SeatStatus.AVAILABLE],
      [3, "R", 150000, SeatStatus.AVAILABLE],
      [4, "R", 150000, SeatStatus.AVAILABLE],
      [5, "R", 150000, SeatStatus.AVAILABLE],
    ]);
  });
});

describe("failures: non-zero exit with a one-line reason", () => {
  it("bad flags are usage errors (exit 2) naming the flag, before anything is sent", async () => {
    const unknown = await runCli(["concerts", "list", "--colour"], env);
    expect(unknown.code).toBe(2);
    expect(oneLine(unknown.stderr)).toContain("unknown option '--colour'");

    const date = await runCli(["schedules", "add", "1", "--date", "2026-02-30", "--time", "19:30", "--grade", "R:1:1"], env);
    expect(date.code).toBe(2);
    expect(oneLine(date.stderr)).toMatch(/--date.*'2026-02-30' is invalid.*YYYY-MM-DD/);

    const grade = await runCli(["schedules", "add", "1", "--date", "2026-02-03", "--time", "19:30", "--grade", "R-50"], env);
    expect(grade.code).toBe(2);
    expect(oneLine(grade.stderr)).toMatch(/--grade.*NAME:COUNT:PRICE/);

    const id = await runCli(["concerts", "show", "abc"], env);
    expect(id.code).toBe(2);
    expect(oneLine(id.stderr)).toMatch(/concertId.*positive whole number/);

    const nothing = await runCli(["concerts", "update", "1"], env);
    expect(nothing.code).toBe(2);
    expect(oneLine(nothing.stderr)).toContain("give at least one of --title");

    const url = await runCli(["concerts", "list", "--server", "localhost:8080"], env);
    expect(url.code).toBe(2);
    expect(oneLine(url.stderr)).toContain("--server must start with http:// or https://");
  });

  it("the server's validation error names the field", async () => {
    const res = await runCli(["concerts", "create", "--title", "x".repeat(201), "--artist", "A", "--venue", "V"], env);
    expect(res.code).toBe(1);
    expect(oneLine(res.stderr)).toMatch(/^concert-admin: invalid request: title: .*200/);
  });

  it("not found exits 5", async () => {
    const res = await runCli(["concerts", "show", "987654"], env);
    expect(res.code).toBe(5);
    expect(oneLine(res.stderr)).toMatch(/^concert-admin: not found: .*987654/);
  });

  it("an unreachable server exits 3 and says where it looked", async () => {
    const port = await closedPort();
    const res = await runCli(["concerts", "list"], { ...env, CONCERT_SERVER: `http://127.0.0.1:${port}` });
    expect(res.code).toBe(3);
    expect(oneLine(res.stderr)).toBe(
      `concert-admin: cannot reach the server at http://127.0.0.1:${port} (connection refused): is it running? Point --server or CONCERT_SERVER at it`,
    );
  });

  it("no token or a non-admin token exits 4 and says how to get an admin token", async () => {
    const anonymous = await runCli(["concerts", "create", "--title", "T", "--artist", "A", "--venue", "V"], { CONCERT_SERVER: server.url });
    expect(anonymous.code).toBe(4);
    expect(oneLine(anonymous.stderr)).toMatch(/not signed in.*--token or CONCERT_ADMIN_TOKEN.*token mint --user 1 --admin/);

    const fan = await runCli(["queue", "stats", "1", "--token", await jwtFor(77)], { CONCERT_SERVER: server.url });
    expect(fan.code).toBe(4);
    expect(oneLine(fan.stderr)).toMatch(/not allowed: .*admin/);
  });
});

describe("token mint", () => {
  it("signs an HS256 JWT with sub, role admin and the ttl, that the server accepts for admin RPCs", async () => {
    const res = await runCli(["token", "mint", "--user", "42", "--admin", "--ttl", "30m"], { AUTH_JWT_SECRET: DEV_AUTH_JWT_SECRET });
    expect(res.code).toBe(0);
    const token = res.stdout.trim();
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(DEV_AUTH_JWT_SECRET));
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ sub: "42", role: "admin" });
    expect(payload.exp! - payload.iat!).toBe(1800);

    const used = await runCli(["concerts", "create", "--title", "Minted", "--artist", "A", "--venue", "V", "--json"], {
      CONCERT_SERVER: server.url,
      CONCERT_ADMIN_TOKEN: token,
    });
    expect(used.code).toBe(0);

    const fan = await runCli(["token", "mint", "--user", "7", "--json"], { AUTH_JWT_SECRET: "another-secret-for-this-test-only" });
    const minted = JSON.parse(fan.stdout) as { token: string; role: string; sub: string };
    expect(minted).toMatchObject({ sub: "7", role: "user" });
    const verified = await jwtVerify(minted.token, new TextEncoder().encode("another-secret-for-this-test-only"));
    expect(verified.payload.role).toBeUndefined();
  });

  it("refuses with APP_ENV=production and prints no token", async () => {
    const res = await runCli(["token", "mint", "--user", "1", "--admin"], { APP_ENV: "production", AUTH_JWT_SECRET: "x".repeat(40) });
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe("");
    expect(oneLine(res.stderr)).toContain("refusing to mint a token with APP_ENV=production");
  });
});
