import { afterEach, describe, expect, it } from "vitest";
import { verifyDraw } from "../../server/queue/draw.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { UnsafeDrawQueueStore } from "../support/unsafe-draw.queue-store.js";
import { startChildServer, type ChildServer } from "./child-server.js";
import { adminClient, issue, QueueState, setMaxActive, statusOf, waitFor } from "./queue-helpers.js";
import { getDraw, scheduledConcert, sleepUntil } from "./fair-helpers.js";

const FANS = Array.from({ length: 40 }, (_, i) => 3000 + i);
const MAX_ACTIVE = 5;

let a: TestServer | undefined;
let b: ChildServer | undefined;
afterEach(async () => {
  await b?.stop();
  await a?.close();
  a = b = undefined;
});

/**
 * Two server processes on one Redis, both running the admission ticker (which runs the draw), with
 * 40 fans in the pre-queue entered through both. After the opening: how many are in line or active,
 * and whether each fan's state and place match the published draw (the first MAX_ACTIVE are admitted).
 */
async function opening(unsafeGapMs?: number) {
  const unsafe = unsafeGapMs !== undefined;
  a = await startTestServer({}, {}, unsafe ? { queue: { store: (redis, o) => new UnsafeDrawQueueStore(redis, o, unsafeGapMs) } } : {});
  b = await startChildServer(a.config, {}, unsafe ? ["test/support/unsafe-draw-main.ts", String(unsafeGapMs)] : undefined);
  const urls = [a.url, b.url];
  const opensAt = Date.now() + 6_000;
  const { concertId } = await scheduledConcert(a.url, opensAt);
  await setMaxActive(a.url, concertId, MAX_ACTIVE);
  const tickets = new Map<number, { token: string; nonce: string }>();
  await Promise.all(FANS.map(async (u, i) => {
    const t = await issue(urls[i % 2], concertId, u);
    expect(t.state).toBe(QueueState.BEFORE_OPEN);
    tickets.set(u, { token: t.token, nonce: t.drawNonce });
  }));
  await sleepUntil(opensAt);
  await waitFor(async () => (await getDraw(a!.url, concertId)).seed !== "", 1_000, "the draw within 1 s of the opening");
  await new Promise((r) => setTimeout(r, 1_000)); // both tickers have run since
  const draw = await getDraw(a.url, concertId);
  const stats = await (await adminClient(a.url)).getQueueStats({ concertId: BigInt(concertId) });
  let matching = 0;
  for (const u of FANS) {
    const t = await statusOf(urls[u % 2], u, tickets.get(u)!.token);
    const drawn = verifyDraw(draw, { userId: String(u), nonce: tickets.get(u)!.nonce }).fan!.position;
    const expected = drawn <= MAX_ACTIVE ? { state: QueueState.ACTIVE, position: 0n } : { state: QueueState.WAITING, position: BigInt(drawn - MAX_ACTIVE) };
    if (t.state === expected.state && t.position === expected.position) matching++;
  }
  return { inLine: Number(stats.waiting) + Number(stats.active), matching, drawKeys: draw.drawKeys.length };
}

describe("the opening draw with two server processes on one Redis", () => {
  it("happens exactly once: every entrant is in line or active once, at the place the published draw gives", async () => {
    const r = await opening();
    expect(r.drawKeys).toBe(FANS.length);
    expect(r.inLine).toBe(FANS.length);
    expect(r.matching).toBe(FANS.length);
  });

  it("negative control: a draw made of separate read and write commands runs twice and puts admitted fans back in line", async () => {
    const r = await opening(300);
    expect(r.inLine).toBeGreaterThan(FANS.length);
  });
});
