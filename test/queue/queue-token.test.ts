import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code } from "@connectrpc/connect";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { QueueTokenSigner } from "../../server/queue/queue-token.js";
import { DEV_QUEUE_TOKEN_SECRET } from "../../server/config/config.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { issue, leave, newConcert, QueueState, queueClient, setMaxActive, statusOf } from "./queue-helpers.js";

let server: TestServer;
let concert: { concertId: number; scheduleId: number };
let other: { concertId: number; scheduleId: number };
beforeAll(async () => {
  server = await startTestServer();
  concert = await newConcert(server.url, "main");
  other = await newConcert(server.url, "other");
});
afterAll(() => server?.close());

const withToken = async (userId: number, token?: string) => {
  const headers: Record<string, string> = await bearer(userId);
  if (token !== undefined) headers["x-queue-token"] = token;
  return {
    concert: clientFor(ConcertService, server.url, { headers }),
    reservation: clientFor(ReservationService, server.url, { headers }),
    payment: clientFor(PaymentService, server.url, { headers }),
  };
};

/** The code a booking RPC gets past (or from) the queue-token check. */
const codeOf = (p: Promise<unknown>) => p.then(() => undefined, (e) => e.code as Code);
const passedQueueCheck = (code: Code | undefined) => code !== Code.Unauthenticated && code !== Code.PermissionDenied;

describe("IssueToken", () => {
  it("is idempotent per (user, concert): same token, same place", async () => {
    await setMaxActive(server.url, concert.concertId, 0);
    const a1 = await issue(server.url, concert.concertId, 101);
    const b1 = await issue(server.url, concert.concertId, 102);
    const a2 = await issue(server.url, concert.concertId, 101);
    expect(a1.state).toBe(QueueState.WAITING);
    expect(a2.token).toBe(a1.token);
    expect(a2.position).toBe(a1.position);
    expect(b1.position).toBe(a1.position + 1n);
    expect(a1.token).not.toBe(b1.token);
  });

  it("answers NOT_FOUND for a concert that does not exist", async () => {
    const err = await (await queueClient(server.url, 101)).issueToken({ concertId: 987654n }).catch((e) => e);
    expect(err.code).toBe(Code.NotFound);
  });

  it("gives an ACTIVE fan the same token back, and a new place at the back after the token ended", async () => {
    await setMaxActive(server.url, other.concertId, 1);
    const token = await admit(server.url, other.concertId, 201);
    const again = await issue(server.url, other.concertId, 201);
    expect(again.token).toBe(token);
    expect(again.state).toBe(QueueState.ACTIVE);
    expect(again.expiresAt).toBeDefined();
    const waiting = await issue(server.url, other.concertId, 202); // max_active 1: 202 waits
    expect(waiting.state).toBe(QueueState.WAITING);
    await leave(server.url, 201, token);
    expect((await statusOf(server.url, 201, token)).state).toBe(QueueState.EXPIRED);
    const back = await issue(server.url, other.concertId, 201);
    expect(back.token).not.toBe(token);
    // 202 took the freed slot, so 201 is alone in the line again, behind nobody: position 1 of the waiting.
    expect(back.state).toBe(QueueState.WAITING);
    expect(back.position).toBe(1n);
    await leave(server.url, 201, back.token);
  });
});

describe("queue-token interceptor (SPEC section 2 and error table)", () => {
  it("lets an ACTIVE token for the concert through on every booking RPC", async () => {
    await setMaxActive(server.url, concert.concertId, 100);
    const token = await admit(server.url, concert.concertId, 301);
    const c = await withToken(301, token);
    expect(passedQueueCheck(await codeOf(c.concert.listSchedules({ concertId: BigInt(concert.concertId) })))).toBe(true);
    expect(passedQueueCheck(await codeOf(c.concert.listSeats({ scheduleId: BigInt(concert.scheduleId) })))).toBe(true);
    expect(passedQueueCheck(await codeOf(c.reservation.holdSeats({ scheduleId: BigInt(concert.scheduleId), seatNumbers: [1] })))).toBe(true);
    // Unknown reservation: the handler's NOT_FOUND must come through, not a queue-token code.
    expect(passedQueueCheck(await codeOf(c.reservation.cancelReservation({ reservationId: 4242n })))).toBe(true);
    expect(passedQueueCheck(await codeOf(c.payment.pay({ reservationId: 4242n, idempotencyKey: "k-1" })))).toBe(true);
  });

  it("refuses missing, tampered and unknown tokens with UNAUTHENTICATED", async () => {
    const token = await admit(server.url, concert.concertId, 302);
    const parts = token.split(".");
    const tamperedUser = [parts[0], parts[1], "303", parts[3], parts[4]].join(".");
    const flipped = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    // Signed with the real secret but for an entry this Redis never issued.
    const unknown = new QueueTokenSigner(DEV_QUEUE_TOKEN_SECRET).sign({ concertId: concert.concertId, userId: 302, entryId: 99_999 });
    for (const [name, t] of Object.entries({ missing: undefined, garbage: "nope", flipped, tamperedUser, unknown })) {
      const c = await withToken(name === "tamperedUser" ? 303 : 302, t);
      const err = await c.concert.listSchedules({ concertId: BigInt(concert.concertId) }).catch((e) => e);
      expect(err.code, name).toBe(Code.Unauthenticated);
      expect(err.rawMessage, name).toMatch(/IssueToken/);
    }
    const unknownStatus = await (await queueClient(server.url, 302, unknown)).getQueueStatus({}).catch((e) => e);
    expect(unknownStatus.code).toBe(Code.Unauthenticated);
  });

  it("refuses an expired (left) token with UNAUTHENTICATED but still reports it as EXPIRED", async () => {
    const token = await admit(server.url, concert.concertId, 304);
    await leave(server.url, 304, token);
    const err = await (await withToken(304, token)).concert.listSchedules({ concertId: BigInt(concert.concertId) }).catch((e) => e);
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toMatch(/expired/);
    expect((await statusOf(server.url, 304, token)).state).toBe(QueueState.EXPIRED);
  });

  it("refuses another user's token and another concert's token with PERMISSION_DENIED", async () => {
    const token = await admit(server.url, concert.concertId, 305);
    const foreignUser = await (await withToken(306, token)).concert.listSchedules({ concertId: BigInt(concert.concertId) }).catch((e) => e);
    expect(foreignUser.code).toBe(Code.PermissionDenied);
    expect((await (await queueClient(server.url, 306, token)).getQueueStatus({}).catch((e) => e)).code).toBe(Code.PermissionDenied);
    const c = await withToken(305, token);
    for (const [name, p] of Object.entries({
      listSchedules: c.concert.listSchedules({ concertId: BigInt(other.concertId) }),
      listSeats: c.concert.listSeats({ scheduleId: BigInt(other.scheduleId) }),
      holdSeats: c.reservation.holdSeats({ scheduleId: BigInt(other.scheduleId), seatNumbers: [1] }),
    })) {
      const err = await p.catch((e) => e);
      expect(err.code, name).toBe(Code.PermissionDenied);
      expect(err.rawMessage, name).toMatch(new RegExp(`concert ${other.concertId}`));
    }
  });

  it("refuses a WAITING token with PERMISSION_DENIED and lets it query its status", async () => {
    await setMaxActive(server.url, other.concertId, 0);
    const t = await issue(server.url, other.concertId, 307);
    expect(t.state).toBe(QueueState.WAITING);
    const c = await withToken(307, t.token);
    const err = await c.concert.listSchedules({ concertId: BigInt(other.concertId) }).catch((e) => e);
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toMatch(/waiting/);
    expect((await statusOf(server.url, 307, t.token)).state).toBe(QueueState.WAITING);
  });
});
