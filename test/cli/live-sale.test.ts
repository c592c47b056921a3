import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { bearer, jwtFor } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { CliProcess, runCli } from "./cli-process.js";

// A sale driven from the terminal against the real server, Redis and Kafka: the CLI sets the
// policy and reads the queue while fans enter through the API; the event tail shows their holds.

let server: TestServer;
let env: Record<string, string>;
let concertId: string;
let scheduleId: string;

beforeAll(async () => {
  server = await startTestServer();
  // the server's own brokers: the three of `npm run test:scaled`, or the shared one
  env = {
    CONCERT_SERVER: server.url,
    CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }),
    KAFKA_BROKERS: server.config.kafkaBrokers.join(","),
    KAFKA_TOPIC_PREFIX: server.config.kafkaTopicPrefix,
  };
  const admin = clientFor(AdminService, server.url, { headers: await bearer(1, { admin: true }) });
  const { concert } = await admin.createConcert({ title: "Live", artist: "A", venue: "V" });
  concertId = concert!.id.toString();
  const added = await runCli(["schedules", "add", concertId, "--date", "2026-06-01", "--time", "18:00", "--grade", "R:10:150000", "--json"], env);
  expect(added.code).toBe(0);
  scheduleId = (JSON.parse(added.stdout) as { id: string }).id;
});

afterAll(async () => {
  await server?.close();
});

describe("a sale from the terminal", () => {
  it("queue stats / list reflect fans who entered through the API while admission is paused, and opening it admits them", async () => {
    const paused = await runCli(["queue", "policy", concertId, "--max-active", "0", "--json"], env);
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toEqual({ maxActive: 0, mode: "ADMISSION_MODE_MANUAL" });

    for (const user of [301, 302, 303]) {
      await clientFor(QueueService, server.url, { headers: await bearer(user) }).issueToken({ concertId: BigInt(concertId) });
    }
    const stats = await runCli(["queue", "stats", concertId, "--json"], env);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ waiting: "3", active: "0", maxActive: 0 });

    const line = await runCli(["queue", "list", concertId, "--json"], env);
    const entries = (JSON.parse(line.stdout) as { entries: { userId: string; position: string }[] }).entries;
    expect(entries.map((e) => [e.userId, e.position])).toEqual([["301", "1"], ["302", "2"], ["303", "3"]]);

    const table = await runCli(["queue", "list", concertId], env);
    expect(table.stdout.split("\n")[0]).toMatch(/^pos\s+user\s+entered at\s+waiting for$/);
    expect(table.stdout).toMatch(/^\s+1\s+301\s+\S+Z\s+\d+s$/m);

    await runCli(["queue", "policy", concertId, "--max-active", "2"], env);
    // Freed slots are filled within about a second (SPEC); --watch --json shows it happen.
    const watch = new CliProcess(["queue", "stats", concertId, "--watch", "--json", "--interval", "0.5"], env);
    try {
      await watch.waitFor("two admitted", () => watch.jsonLines().some((l) => l.active === "2" && l.waiting === "1"), 20_000);
      expect(watch.jsonLines()[0]).toHaveProperty("at");
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }

    const removed = await runCli(["queue", "remove", concertId, "303"], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout.trim()).toBe(`removed user 303 from the queue of concert ${concertId}`);
    const after = JSON.parse((await runCli(["queue", "stats", concertId, "--json"], env)).stdout);
    expect(after).toMatchObject({ waiting: "0", active: "2" });
  });

  it("events watch --json prints the SeatsHeld event of a hold made through the API", async () => {
    await runCli(["queue", "policy", concertId, "--max-active", "100"], env);
    const watch = new CliProcess(["events", "watch", "--json", "--topic", "reservation-events"], env);
    try {
      await watch.waitFor("the watching line", () => watch.stderr.includes("watching"));
      const token = await admit(server.url, Number(concertId), 401);
      const booking = clientFor(ReservationService, server.url, { headers: { ...(await bearer(401)), "x-queue-token": token } });
      const { reservation } = await booking.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [4, 5] });

      await watch.waitFor("the SeatsHeld event", () => watch.jsonLines().some((l) => l.type === "SeatsHeld"), 20_000);
      const held = watch.jsonLines().find((l) => l.type === "SeatsHeld")!;
      expect(held).toMatchObject({
        topic: "reservation-events",
        key: reservation!.id.toString(),
        event: { reservationId: reservation!.id.toString(), userId: "401", concertId, scheduleId, seatNumbers: [4, 5], totalPrice: "300000" },
      });
      expect(held.eventId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      expect(await watch.interrupt()).toBe(0);
    }

    const sales = await runCli(["sales", concertId, "--json"], env);
    expect(sales.code).toBe(0);
    // The projection is eventually consistent; the shape is what this test can rely on.
    expect(JSON.parse(sales.stdout)).toHaveProperty("schedules");
  });
});
