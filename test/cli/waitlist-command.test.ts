import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwtFor } from "../support/auth.js";
import { fan, seedConcert } from "../support/booking-api.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { runCli } from "./cli-process.js";

let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ holdTtlSeconds: 120 });
  env = { CONCERT_SERVER: server.url, CONCERT_ADMIN_TOKEN: await jwtFor(1, { admin: true }) };
});

afterAll(async () => server?.close());

describe("concert-admin waitlist", () => {
  it("shows the list length and the open offers: --json, plain lines for pipes; unknown schedule exits 5", async () => {
    const { concertId, scheduleId } = await seedConcert(server.url, [{ grade: "R", count: 2, price: 10_000n }]);
    const sid = BigInt(scheduleId);
    const holder = await fan(server.url, 800, concertId);
    const { reservation } = await holder.reservations.holdSeats({ scheduleId: sid, seatNumbers: [1, 2] });
    for (const [user, count] of [[801, 2], [802, 1], [803, 1]] as const) {
      await (await fan(server.url, user)).reservations.joinWaitingList({ scheduleId: sid, seatCount: count });
    }
    // Two seats freed: the first entrant (2 seats) gets both. (Three CLI runs in all: each is a process.)
    await holder.reservations.cancelReservation({ reservationId: reservation!.id });
    const after = await runCli(["waitlist", String(scheduleId), "--json"], env);
    expect(after.stderr).toBe("");
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual({
      scheduleId: String(scheduleId),
      waiting: "2",
      seatsWanted: "2",
      offers: [{ entryId: expect.any(String), userId: "801", reservationId: expect.any(String), seatNumbers: [1, 2], heldUntil: expect.any(String) }],
      purchased: "0",
      offersExpired: "0",
    });

    const plain = await runCli(["waitlist", String(scheduleId)], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`schedule ${scheduleId}: 2 waiting (2 seats wanted) · 1 open offer(s)`);
    expect(plain.stdout).toMatch(/^\s*\d+\s+801\s+\d+\s+1,2\s+\d{4}-\d\d-\d\dT/m);
    expect(plain.stdout).not.toMatch(/\x1b\[/);

    const missing = await runCli(["waitlist", "999999999", "--json"], env);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain("schedule 999999999 does not exist");
  });
});
