import type { Redis } from "ioredis";
import { concertQueueKeys } from "../../server/queue/queue-keys.js";
import type { AdmitResult } from "../../server/queue/queue.store.js";
import { RedisQueueStore, type RedisQueueStoreOptions } from "../../server/queue/queue.store.redis.js";

/**
 * Test-only negative control (test/queue/draw-multi-process.test.ts): the opening draw as a read, a
 * pause and separate writes instead of inside admit.lua, to show that the atomic script is what makes
 * the draw happen exactly once across processes. Production never builds it.
 */
export class UnsafeDrawQueueStore extends RedisQueueStore {
  constructor(redis: Redis, opts: RedisQueueStoreOptions, private readonly gapMs: number) {
    super(redis, opts);
  }

  override async admit(concertId: number): Promise<AdmitResult> {
    const k = concertQueueKeys(concertId);
    const [at, drawn, commitment] = await this.redis.hmget(k.opening, "at", "drawn", "commitment");
    let draw: AdmitResult["draw"];
    if (Number(at) > 0 && drawn !== "1" && Date.now() >= Number(at)) {
      const members = await this.redis.zrange(k.pre, 0, -1);
      const base = Number((await this.redis.get(k.seq)) ?? 0);
      await new Promise((r) => setTimeout(r, this.gapMs));
      const m = this.redis.multi();
      members.forEach((member, i) => m.zadd(k.waiting, base + i + 1, member.slice(65)));
      m.set(k.seq, base + members.length).hset(k.opening, "drawn", "1", "first", base + 1, "count", members.length, "drawnAt", Date.now()).incr(k.version);
      await m.exec();
      draw = { entrants: members.length, salesOpenAtMs: Number(at), commitment: commitment ?? "" };
    }
    const r = await super.admit(concertId);
    return { ...r, draw: r.draw ?? draw };
  }
}
