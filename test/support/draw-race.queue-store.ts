import type { Redis } from "ioredis";
import { concertQueueKeys } from "../../server/queue/queue-keys.js";
import type { AdmitResult } from "../../server/queue/queue.store.js";
import { RedisQueueStore, type RedisQueueStoreOptions } from "../../server/queue/queue.store.redis.js";

/** "atomic": the draw as production runs it (admit.lua). "separate-commands": a read, then separate writes. */
export type DrawMode = "atomic" | "separate-commands";

/** The race's bookkeeping in Redis (under the test's key prefix), shared by the processes taking part. */
export const drawRaceKeys = (concertId: number) => ({
  /** INCR by each process that saw the draw due and not done: 1 = first to arrive. */
  arrived: `draw-race:${concertId}:arrived`,
  /** INCR by each process once its draw step (and the admission after it) returned. */
  done: `draw-race:${concertId}:done`,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls Redis until `key` reaches `n` or the wait runs out (then goes on: the test then sees the miss). */
async function waitForCount(redis: Redis, key: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Number((await redis.get(key)) ?? 0) < n && Date.now() < deadline) await sleep(10);
}

/**
 * Test-only (test/queue/draw-multi-process.test.ts): forces the interleaving that makes a draw of
 * separate commands go wrong, whatever the machine's load, and runs the production draw through the
 * very same interleaving. Each of `parties` processes that sees the draw due and not done waits until
 * all have seen it (so every one read the opening before anyone wrote), then they take turns in
 * arrival order: one draws and admits, then the next. "atomic" takes its turn with admit.lua, which
 * decides inside the script and so draws once; "separate-commands" writes from what it read before
 * the barrier and so draws again, putting fans already admitted back in line. Production never builds it.
 */
export class DrawRaceQueueStore extends RedisQueueStore {
  private readonly joined = new Set<number>();

  constructor(redis: Redis, opts: RedisQueueStoreOptions, private readonly mode: DrawMode, private readonly parties = 2, private readonly waitMs = 30_000) {
    super(redis, opts);
  }

  override async admit(concertId: number): Promise<AdmitResult> {
    const k = concertQueueKeys(concertId);
    const [at, drawn, commitment] = await this.redis.hmget(k.opening, "at", "drawn", "commitment");
    const due = Number(at) > 0 && drawn !== "1" && Date.now() >= Number(at);
    if (!due || this.joined.has(concertId)) return super.admit(concertId);
    this.joined.add(concertId);
    // What a draw of separate commands reads before writing (unused by "atomic", which reads in the script).
    const members = await this.redis.zrange(k.pre, 0, -1);
    const base = Number((await this.redis.get(k.seq)) ?? 0);
    const keys = drawRaceKeys(concertId);
    const turn = await this.redis.incr(keys.arrived);
    await waitForCount(this.redis, keys.arrived, this.parties, this.waitMs);
    await waitForCount(this.redis, keys.done, turn - 1, this.waitMs);
    let draw: AdmitResult["draw"];
    if (this.mode === "separate-commands") {
      const m = this.redis.multi();
      members.forEach((member, i) => m.zadd(k.waiting, base + i + 1, member.slice(65)));
      m.set(k.seq, base + members.length).hset(k.opening, "drawn", "1", "first", base + 1, "count", members.length, "drawnAt", Date.now()).incr(k.version);
      await m.exec();
      draw = { entrants: members.length, salesOpenAtMs: Number(at), commitment: commitment ?? "" };
    }
    try {
      const r = await super.admit(concertId);
      return { ...r, draw: r.draw ?? draw };
    } finally {
      await this.redis.incr(keys.done);
    }
  }
}
