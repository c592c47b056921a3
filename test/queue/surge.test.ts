import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { PollHint } from "../../server/queue/poll-hint.js";
import { EntryState } from "../../server/queue/entry-state.js";
import type { Ticket } from "../../server/queue/queue-ticket.js";
import { QueueWatchHub } from "../../server/queue/queue-watch.hub.js";
import { RedisQueueStore } from "../../server/queue/queue.store.redis.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adminClient, issue, leave, newConcert, pool, queueClient, QueueState, setMaxActive, statusOf } from "./queue-helpers.js";

let server: TestServer;
beforeAll(async () => {
  // No background workers: any SQL seen during the waiting-room calls below is theirs.
  server = await startTestServer({ queuePollBudgetPerSecond: 50, runWorkers: false });
});
afterAll(() => server?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const usersRows = async (ids: number[]) => {
  const [rows] = (await server.app.infra.db.query("SELECT COUNT(*) AS n FROM users WHERE id IN (?)", { replacements: [ids] })) as [Array<{ n: number }>, unknown];
  return Number(rows[0].n);
};

describe("the waiting room touches Redis only (SPEC 7.1)", () => {
  it("IssueToken, GetQueueStatus, WatchQueueStatus and LeaveQueue run no SQL and create no user row; the first hold or charge does", async () => {
    const { concertId, scheduleId } = await newConcert(server.url);
    // Warm this process's concert cache (the first sight of a concert may read it once), and its list of the
    // concert's dates, which admission is paced by (read once per concert and process, then every 30 s).
    await issue(server.url, concertId, 70_000);
    await (await adminClient(server.url)).getQueueStats({ concertId: BigInt(concertId) });
    const fans = [70_001, 70_002, 70_003];
    const queries = vi.spyOn(server.app.infra.db, "query");
    try {
      for (const fan of fans) {
        const t = await issue(server.url, concertId, fan);
        expect(t.state).toBe(QueueState.ACTIVE); // room to spare: admitted by the entering script itself
        await statusOf(server.url, fan, t.token);
        const c = await queueClient(server.url, fan, t.token);
        for await (const m of c.watchQueueStatus({})) expect(m.ticket!.state).toBe(QueueState.ACTIVE);
      }
      await leave(server.url, fans[2], (await issue(server.url, concertId, fans[2])).token);
      expect(queries).not.toHaveBeenCalled();
    } finally {
      queries.mockRestore();
    }
    expect(await usersRows([70_000, ...fans])).toBe(0);

    // The first hold creates the holder's row inside its transaction; the first charge likewise.
    const t1 = await issue(server.url, concertId, fans[0]);
    const hold = clientFor(ReservationService, server.url, { headers: { ...(await bearer(fans[0])), "x-queue-token": t1.token } });
    await hold.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1] });
    expect(await usersRows([fans[0]])).toBe(1);
    await clientFor(PaymentService, server.url, { headers: await bearer(fans[1]) }).chargeBalance({ amount: 500n, idempotencyKey: "first" });
    expect(await usersRows([fans[1]])).toBe(1);
  });
});

describe("next_poll_after_ms", () => {
  it("spreads the poll budget over the line: grows with position, and the line's polls per second stay within budget", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 0);
    const N = 300;
    await pool(N, 50, (i) => issue(server.url, concertId, 71_000 + i));
    // Everyone in line once the line is complete, so each hint is for the same line length.
    const tickets = await pool(N, 50, async (i) => {
      const t = await issue(server.url, concertId, 71_000 + i);
      return { position: Number(t.position), hint: t.nextPollAfterMs };
    });
    tickets.sort((a, b) => a.position - b.position);
    expect(tickets.map((t) => t.position)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    for (let i = 1; i < N; i++) expect(tickets[i].hint).toBeGreaterThanOrEqual(tickets[i - 1].hint);
    expect(tickets[N - 1].hint).toBeGreaterThan(tickets[0].hint);
    const rate = tickets.reduce((s, t) => s + 1000 / t.hint, 0);
    expect(rate).toBeLessThanOrEqual(server.config.queuePollBudgetPerSecond);
    // Control: the same line polling at the head's interval would blow the budget several times over.
    expect((N * 1000) / tickets[0].hint).toBeGreaterThan(3 * server.config.queuePollBudgetPerSecond);
  });

  it("keeps any line of up to a million within budget and never hints below the floor", () => {
    const poll = new PollHint({ budgetPerSecond: 2000, rateLimitPerSecond: 50 });
    for (const n of [1, 2, 10, 1000, 100_000, 1_000_000]) {
      let rate = 0;
      let prev = 0;
      let ordered = true;
      for (let p = 1; p <= n; p++) {
        const h = poll.waitingMs(p, n);
        ordered &&= h >= prev && h >= poll.floorMs;
        prev = h;
        rate += 1000 / h;
      }
      expect(ordered, `line of ${n}`).toBe(true);
      expect(rate, `line of ${n}`).toBeLessThanOrEqual(2000);
    }
    expect(poll.ms(EntryState.Expired, 0, 10, 0)).toBe(0);
  });

  it("a fan who follows the hint is never rate-limited; one who ignores it is (RATE_LIMIT_PER_SECOND=2, burst 1)", async () => {
    const strict = await startTestServer({ rateLimitPerSecond: 2, rateLimitBurst: 1, runWorkers: false });
    try {
      await followTheHint(strict);
    } finally {
      await strict.close();
    }
  });
});

async function followTheHint(strict: TestServer) {
  {
    const { concertId } = await newConcert(strict.url);
    await setMaxActive(strict.url, concertId, 0);
    const t = await issue(strict.url, concertId, 72_000);
    const c = await queueClient(strict.url, 72_000, t.token);
    let hint = t.nextPollAfterMs;
    for (let i = 0; i < 5; i++) {
      await sleep(hint);
      const { ticket } = await c.getQueueStatus({});
      expect(ticket!.state).toBe(QueueState.WAITING);
      hint = ticket!.nextPollAfterMs;
      expect(hint).toBeGreaterThan(0);
    }
    // Negative control: the same fan polling again at once instead of after the hint.
    const err = await c.getQueueStatus({}).catch((e) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
  }
}

describe("a watcher that reads slowly", () => {
  /** A line of `ahead` fans then the watcher, in the server's own Redis (its key prefix), and a hub ticked by hand. */
  async function setup(dropNewestForTests: boolean) {
    const { concertId } = await newConcert(server.url);
    const store = new RedisQueueStore(server.app.infra.redis, { activeTtlSeconds: 60, defaultMaxActive: 0 });
    const policy = { rateWindowMs: store.rateWindowMs, activeTtlSeconds: 60, poll: new PollHint({ budgetPerSecond: 2000, rateLimitPerSecond: 0 }) };
    const hub = new QueueWatchHub(store, policy, server.app.infra.logger, { intervalMs: 3_600_000, maxIntervalMs: 3_600_000, dropNewestForTests });
    const ahead = 20;
    for (let i = 0; i < ahead; i++) await store.enter(concertId, 73_000 + i);
    const me = 74_000;
    const e = await store.enter(concertId, me);
    const ac = new AbortController();
    const stream = hub.watch("token", { concertId, userId: me, entryId: e.entryId }, ac.signal);
    const next = () => Promise.race([stream.next(), sleep(1000).then(() => "nothing" as const)]);
    const first = stream.next();
    await hub.tick();
    expect(((await first).value as Ticket).position).toBe(ahead + 1);
    // The reader now stops reading while the line moves 20 times, then the watcher is admitted.
    for (let i = 0; i < ahead; i++) {
      await store.leave(concertId, 73_000 + i);
      await hub.tick();
    }
    await store.setMaxActive(concertId, 1);
    await store.admit(concertId);
    await hub.tick();
    const got: Ticket[] = [];
    for (;;) {
      const r = await next();
      if (r === "nothing" || r.done) break;
      got.push(r.value);
    }
    ac.abort();
    hub.close();
    return got;
  }

  it("skips the places it had no time for but still gets the final ACTIVE", async () => {
    const got = await setup(false);
    expect(got.length).toBeLessThan(21);
    expect(got.at(-1)!.state).toBe(EntryState.Active);
  });

  it("negative control: a buffer that drops new tickets while one is pending loses the final state", async () => {
    const got = await setup(true);
    expect(got.at(-1)?.state).toBe(EntryState.Waiting);
  });
});
