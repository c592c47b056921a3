import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it } from "vitest";
import { verifyDraw } from "../../server/queue/draw.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { testRedis } from "../support/redis.js";
import { DrawRaceQueueStore, drawRaceKeys, type DrawMode } from "../support/draw-race.queue-store.js";
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
 * 40 fans in the pre-queue entered through both. Both processes' stores are DrawRaceQueueStore: each
 * sees the draw due before either draws, then they draw in turn (the interleaving is forced, so the
 * outcome does not depend on the machine's load or the tickers' phase). After both turns: how many are
 * in line or active, and whether each fan's state and place match the published draw (the first
 * MAX_ACTIVE are admitted).
 */
async function opening(mode: DrawMode) {
  a = await startTestServer({}, {}, { queue: { store: (redis, o) => new DrawRaceQueueStore(redis, o, mode) } });
  b = await startChildServer(a.config, {}, ["test/support/queue-store-main.ts", "draw-race", mode]);
  const urls = [a.url, b.url];
  // Far enough for every fan to enter before it however loaded the machine is; moved closer once all have.
  const { concertId } = await scheduledConcert(a.url, Date.now() + 300_000);
  await setMaxActive(a.url, concertId, MAX_ACTIVE);
  const tickets = new Map<number, { token: string; nonce: string }>();
  await Promise.all(FANS.map(async (u, i) => {
    const t = await issue(urls[i % 2], concertId, u);
    expect(t.state).toBe(QueueState.BEFORE_OPEN);
    tickets.set(u, { token: t.token, nonce: t.drawNonce });
  }));
  const opensAt = Date.now() + 1_000;
  await (await adminClient(a.url)).updateConcert({ concertId: BigInt(concertId), salesOpenAt: timestampFromMs(opensAt) });
  await sleepUntil(opensAt);
  const redis = testRedis(a.config.redisKeyPrefix);
  try {
    const race = drawRaceKeys(concertId);
    await waitFor(async () => Number(await redis.get(race.done)) >= 2, 60_000, "both processes' draw turns");
    expect(Number(await redis.get(race.arrived))).toBe(2); // both saw the draw due before either drew
  } finally {
    redis.disconnect();
  }
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
    const r = await opening("atomic");
    expect(r.drawKeys).toBe(FANS.length);
    expect(r.inLine).toBe(FANS.length);
    expect(r.matching).toBe(FANS.length);
  });

  it("negative control: a draw made of separate read and write commands runs twice and puts admitted fans back in line", async () => {
    const r = await opening("separate-commands");
    // the second draw re-adds every fan, including the MAX_ACTIVE the first process's turn admitted
    expect(r.inLine).toBe(FANS.length + MAX_ACTIVE);
  });
});
