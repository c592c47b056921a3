/**
 * Queue scale: fills one concert's line with N waiting users by running the server's own enter script
 * (same keys as server/queue/queue.store.redis.ts) through ioredis pipelines, then measures Redis memory
 * per waiting user (MEMORY USAGE of the line's keys, exact: SAMPLES 0) and GetQueueStatus through the API.
 */
import { Redis } from "ioredis";
import { CLOCK_SPACING_MS, concertQueueKeys, QUEUED_CONCERTS_KEY } from "../../server/queue/queue-keys.js";
import { defineQueueScripts, queueScript } from "../../server/queue/lua/queue.scripts.js";
import { enterKeys } from "../../server/queue/queue.store.redis.js";
import { REDIS_URL } from "./stack.js";

export class QueueFiller {
  private readonly redis: Redis;
  /** Without keyPrefix: ioredis does not prefix the key argument of MEMORY USAGE / OBJECT ENCODING. */
  private readonly raw: Redis;
  /** entry id by user id (users are 1..N offset by `base`). */
  readonly entryOf: Float64Array;
  filled = 0;

  constructor(private readonly prefix: string, private readonly concertId: number, private readonly base: number, capacity: number) {
    this.redis = new Redis(REDIS_URL, { keyPrefix: prefix });
    this.raw = new Redis(REDIS_URL);
    defineQueueScripts(this.redis);
    this.entryOf = new Float64Array(capacity + 1);
  }

  /** Puts users filled+1..n in line; returns enter scripts per second. */
  async fillTo(n: number, batch = 5000, inFlight = 4): Promise<number> {
    const k = concertQueueKeys(this.concertId);
    await this.redis.sadd(QUEUED_CONCERTS_KEY, this.concertId);
    // No scheduled opening (SPEC 7.3): the state IssueToken restores from MySQL for such a concert.
    await this.redis.hsetnx(k.opening, "at", 0);
    const t0 = performance.now();
    const from = this.filled;
    let next = this.filled + 1;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next <= n) {
        const start = next;
        const end = Math.min(n, start + batch - 1);
        next = end + 1;
        const pl = this.redis.pipeline();
        for (let i = start; i <= end; i++) {
          const uid = this.base + i;
          // The server's IssueToken script with admission paused (default max_active 0).
          queueScript(pl, "queueEnter", enterKeys(k, uid), [uid, 1_800_000, 0, 60_000, 1000, CLOCK_SPACING_MS, "0", "0", "", ""]);
        }
        const res = (await pl.exec()) ?? [];
        res.forEach(([err, r], j) => {
          if (err) throw err;
          this.entryOf[start + j] = Number((r as number[])[0]);
        });
      }
    }));
    this.filled = n;
    return Math.round((n - from) / ((performance.now() - t0) / 1000));
  }

  async memory() {
    const k = concertQueueKeys(this.concertId);
    // Per fan only the line itself: a user's entry is its score and join times come from sparse checkpoints.
    const keys = { waiting: k.waiting, clock: k.clock, seq: k.seq };
    const bytes: Record<string, number> = {};
    for (const [name, key] of Object.entries(keys)) bytes[name] = Number(await this.raw.memory("USAGE", this.prefix + key, "SAMPLES", 0));
    const total = Object.values(bytes).reduce((a, b) => a + b, 0);
    const encoding = await this.raw.object("ENCODING", this.prefix + k.waiting);
    return { waitingUsers: await this.redis.zcard(k.waiting), bytesByKey: bytes, totalBytes: total, bytesPerWaitingUser: +(total / this.filled).toFixed(1), waitingZsetEncoding: encoding };
  }

  close() {
    this.redis.disconnect();
    this.raw.disconnect();
  }
}
