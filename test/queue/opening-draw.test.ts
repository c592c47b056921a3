import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectError, Code } from "@connectrpc/connect";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { commitmentOf, drawKeyOf, verifyDraw } from "../../server/queue/draw.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adminClient, issue, leave, QueueState, queueClient, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";
import { getDraw, publicConcerts, scheduledConcert, sleepUntil } from "./fair-helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const FANS = Array.from({ length: 20 }, (_, i) => 7000 + i * 13);

describe("scheduled opening with a provable draw (SPEC 7.3)", () => {
  it("pre-queues fans before sales_open_at, draws them at the instant, and GetDraw proves every place", async () => {
    const opensAt = Date.now() + 12_000; // room for 20 IssueTokens and a stream on a loaded machine
    const { concertId, commitment } = await scheduledConcert(server.url, opensAt);
    // Keep everyone waiting so the drawn places stay put while they are checked.
    await setMaxActive(server.url, concertId, 0);
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    const { concert } = await publicConcerts(server.url).getConcert({ concertId: BigInt(concertId) });
    expect(concert!.fairnessCommitment).toBe(commitment);
    expect(timestampMs(concert!.salesOpenAt!)).toBe(opensAt);

    const tickets = new Map<number, { token: string; nonce: string }>();
    for (const u of FANS) {
      const t = await issue(server.url, concertId, u);
      expect(t.state).toBe(QueueState.BEFORE_OPEN);
      expect(t.position).toBe(0n);
      expect(t.estimatedWaitSeconds).toBe(0n);
      expect(t.drawNonce).toMatch(/^[0-9a-f]{32}$/);
      // The poll hint points at the opening.
      expect(t.nextPollAfterMs).toBeGreaterThanOrEqual(opensAt - Date.now() - 50);
      tickets.set(u, { token: t.token, nonce: t.drawNonce });
    }
    // Idempotent: the same token and nonce come back.
    const again = await issue(server.url, concertId, FANS[0]);
    expect(again.token).toBe(tickets.get(FANS[0])!.token);
    expect(again.drawNonce).toBe(tickets.get(FANS[0])!.nonce);
    // A pre-queue entrant may not browse seats yet.
    const before = await getDraw(server.url, concertId);
    expect(before.fairnessCommitment).toBe(commitment);
    expect(before.seed).toBe("");
    expect(before.drawKeys).toEqual([]);

    // A stream opened before the opening sees the draw.
    const watcher = await queueClient(server.url, FANS[1], tickets.get(FANS[1])!.token);
    const seen: QueueState[] = [];
    const abort = new AbortController();
    const watching = (async () => {
      try {
        for await (const r of watcher.watchQueueStatus({}, { signal: abort.signal })) seen.push(r.ticket!.state);
      } catch { /* aborted */ }
    })();

    // The stream's first answer must come before the opening (a loaded machine may take a while to open it).
    await waitFor(async () => seen.length > 0, Math.max(0, opensAt - Date.now() - 200), "the stream's first answer before the opening");
    await sleepUntil(opensAt);
    // Within a second of the opening every entrant holds a drawn place (polls see it).
    await waitFor(async () => (await statusOf(server.url, FANS[0], tickets.get(FANS[0])!.token)).state === QueueState.WAITING, 1_000, "the draw");
    const late = await issue(server.url, concertId, 99_001);
    expect(late.state).toBe(QueueState.WAITING);
    expect(late.position).toBe(BigInt(FANS.length + 1)); // later arrivals queue behind the drawn
    expect(late.drawNonce).toBe("");

    const draw = await getDraw(server.url, concertId);
    expect(draw.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(commitmentOf(draw.seed)).toBe(commitment);
    expect(draw.drawKeys).toHaveLength(FANS.length);
    const positions = new Set<bigint>();
    for (const u of FANS) {
      const t = await statusOf(server.url, u, tickets.get(u)!.token);
      expect(t.state).toBe(QueueState.WAITING);
      expect(t.drawNonce).toBe(tickets.get(u)!.nonce);
      positions.add(t.position);
      const check = verifyDraw(draw, { userId: String(u), nonce: tickets.get(u)!.nonce, expectedCommitment: commitment });
      expect(check.problems).toEqual([]);
      expect(BigInt(check.fan!.position)).toBe(t.position);
      expect(check.fan!.drawKey).toBe(drawKeyOf(draw.seed, u, tickets.get(u)!.nonce));
    }
    expect(positions.size).toBe(FANS.length);
    // IssueToken after the draw keeps the entrant's token.
    expect((await issue(server.url, concertId, FANS[2])).token).toBe(tickets.get(FANS[2])!.token);

    await waitFor(async () => seen.includes(QueueState.WAITING), 2_500, "the stream to show the drawn place");
    expect(seen[0]).toBe(QueueState.BEFORE_OPEN);
    abort.abort();
    await watching;

    // The opening has passed: it can no longer move.
    const admin = await adminClient(server.url);
    const err = await admin.updateConcert({ concertId: BigInt(concertId), salesOpenAt: timestampFromMs(Date.now() + 60_000) }).catch((e) => e);
    expect(ConnectError.from(err).code).toBe(Code.FailedPrecondition);

    // Admission starts from the head of the drawn order.
    await setMaxActive(server.url, concertId, 1);
    const head = FANS.find((u) => verifyDraw(draw, { userId: String(u), nonce: tickets.get(u)!.nonce }).fan!.position === 1)!;
    await waitFor(async () => (await statusOf(server.url, head, tickets.get(head)!.token)).state === QueueState.ACTIVE, 2_000, "the head to be admitted");
  });

  it("moves the opening before it passes with the same commitment; leaving the pre-queue removes the draw key", async () => {
    const { concertId, commitment } = await scheduledConcert(server.url, Date.now() + 60_000);
    const a = await issue(server.url, concertId, 1);
    await issue(server.url, concertId, 2);
    await leave(server.url, 1, a.token);
    expect((await statusOf(server.url, 1, a.token)).state).toBe(QueueState.EXPIRED);
    const admin = await adminClient(server.url);
    const { concert } = await admin.updateConcert({ concertId: BigInt(concertId), salesOpenAt: timestampFromMs(Date.now() + 1_000) });
    expect(concert!.fairnessCommitment).toBe(commitment);
    await waitFor(async () => (await getDraw(server.url, concertId)).seed !== "", 3_000, "the moved opening's draw");
    const draw = await getDraw(server.url, concertId);
    expect(draw.drawKeys).toHaveLength(1);
    expect(commitmentOf(draw.seed)).toBe(commitment);
  });

  it("clearing sales_open_at opens now: the pre-queue is drawn at once", async () => {
    const { concertId } = await scheduledConcert(server.url, Date.now() + 60_000);
    const t = await issue(server.url, concertId, 5);
    expect(t.state).toBe(QueueState.BEFORE_OPEN);
    const admin = await adminClient(server.url);
    const { concert } = await admin.updateConcert({ concertId: BigInt(concertId), clearSalesOpenAt: true });
    expect(concert!.salesOpenAt).toBeUndefined();
    expect(concert!.fairnessCommitment).toMatch(/^[0-9a-f]{64}$/);
    await waitFor(async () => (await statusOf(server.url, 5, t.token)).state === QueueState.ACTIVE, 2_000, "the drawn fan to be admitted");
  });

  it("GetDraw: FAILED_PRECONDITION without a scheduled opening, NOT_FOUND for an unknown concert; both set and clear is INVALID_ARGUMENT", async () => {
    const admin = await adminClient(server.url);
    const { concert } = await admin.createConcert({ title: "FCFS", artist: "A", venue: "V", description: "" });
    expect(concert!.fairnessCommitment).toBe("");
    const e1 = await getDraw(server.url, Number(concert!.id)).catch((e) => e);
    expect(ConnectError.from(e1).code).toBe(Code.FailedPrecondition);
    const e2 = await getDraw(server.url, 987_654).catch((e) => e);
    expect(ConnectError.from(e2).code).toBe(Code.NotFound);
    const e3 = await admin.updateConcert({ concertId: concert!.id, salesOpenAt: timestampFromMs(Date.now()), clearSalesOpenAt: true }).catch((e) => e);
    expect(ConnectError.from(e3).code).toBe(Code.InvalidArgument);
  });
});
