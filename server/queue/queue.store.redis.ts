import type { Redis } from "ioredis";
import { activeKey, concertQueueKeys, QUEUED_CONCERTS_KEY, type ConcertQueueKeys } from "./queue-keys.js";
import { defineQueueScripts, EntryState, queueScript, QueueScriptFailure, runScript } from "./queue-scripts.js";
import type { AdmitResult, EnterResult, EntryStatus, LeaveResult, QueueStats, QueueStore, WaitingEntry } from "./queue.store.js";

export interface RedisQueueStoreOptions {
  activeTtlSeconds: number;
  defaultMaxActive: number;
  /** How far back admissions count towards the observed rate. */
  rateWindowMs?: number;
  /** Most slots one admission step expires or fills. */
  batch?: number;
  /**
   * Test-only negative control: admission as a read, a pause and a separate write instead of one
   * Lua script, to show that the atomic script is what keeps ACTIVE <= max_active across processes.
   */
  unsafeAdmissionGapMs?: number;
  /**
   * Where max_active is kept for good (MySQL). When set, admission never runs on a default that
   * replaced a lost policy: a missing Redis copy is restored from here first (SPEC 7.2).
   */
  policies?: PolicySource;
}

/** max_active for a concert from the durable store; undefined when no operator set one. */
export type PolicySource = (concertId: number) => Promise<number | undefined>;

/** A default (no operator policy) is cached with a TTL, so a changed QUEUE_MAX_ACTIVE still reaches old concerts. */
const DEFAULT_POLICY_CACHE_MS = 60_000;

const num = (v: unknown) => Number(v);

export class RedisQueueStore implements QueueStore {
  readonly rateWindowMs: number;
  private readonly ttlMs: number;
  private readonly batch: number;

  constructor(private readonly redis: Redis, private readonly opts: RedisQueueStoreOptions) {
    defineQueueScripts(redis);
    this.rateWindowMs = opts.rateWindowMs ?? 60_000;
    this.ttlMs = opts.activeTtlSeconds * 1000;
    this.batch = opts.batch ?? 1000;
  }

  async enter(concertId: number, userId: number): Promise<EnterResult> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueEnter",
      [k.seq, k.waiting, k.entries, k.entered, activeKey(k, userId), k.activeExpiry, k.version], [userId])) as number[];
    return {
      entryId: num(r[0]),
      state: num(r[1]) as EntryState.Waiting | EntryState.Active,
      position: num(r[2]),
      expiresAtMs: num(r[3]),
      isNew: r[4] === 1,
      endedByTtl: r[5] === 1,
    };
  }

  async admit(concertId: number): Promise<AdmitResult> {
    if (this.opts.unsafeAdmissionGapMs !== undefined) return this.admitUnsafe(concertId, this.opts.unsafeAdmissionGapMs);
    const k = concertQueueKeys(concertId);
    type Raw = [string[], Array<string | number>, number, number];
    const run = async () => (await runScript(this.redis, "queueAdmit",
      [k.waiting, k.activeExpiry, k.maxActive, k.admittedTotal, k.admissions, k.entries, k.entered, k.version, k.activeBase],
      [this.ttlMs, this.opts.defaultMaxActive, this.rateWindowMs, this.batch, this.opts.policies ? "1" : "0"])) as Raw;
    let r = await run();
    if (num(r[2]) < 0) {
      await this.restorePolicy(concertId);
      r = await run();
      if (num(r[2]) < 0) return { expired: [], admitted: [], waiting: 0, active: 0 }; // lost again meanwhile: next tick
    }
    const admitted = [];
    for (let i = 0; i < r[1].length; i += 3) {
      admitted.push({ userId: num(r[1][i]), entryId: num(r[1][i + 1]), expiresAtMs: num(r[1][i + 2]) });
    }
    return { expired: r[0].map(num), admitted, waiting: num(r[2]), active: num(r[3]) };
  }

  /** The race the Lua script prevents: count, pause, then pop and activate as separate commands. */
  private async admitUnsafe(concertId: number, gapMs: number): Promise<AdmitResult> {
    const k = concertQueueKeys(concertId);
    const [max, active] = await Promise.all([this.redis.get(k.maxActive), this.redis.zcount(k.activeExpiry, Date.now(), "+inf")]);
    const free = Number(max ?? this.opts.defaultMaxActive) - active;
    await new Promise((r) => setTimeout(r, gapMs));
    const admitted = [];
    if (free > 0) {
      const head = await this.redis.zpopmin(k.waiting, free);
      const expiresAtMs = Date.now() + this.ttlMs;
      for (let i = 0; i < head.length; i += 2) {
        const userId = num(head[i]);
        await this.redis.multi()
          .set(activeKey(k, userId), head[i + 1], "PXAT", expiresAtMs)
          .zadd(k.activeExpiry, expiresAtMs, userId)
          .incr(k.version)
          .exec();
        admitted.push({ userId, entryId: num(head[i + 1]), expiresAtMs });
      }
    }
    return { expired: [], admitted, waiting: await this.redis.zcard(k.waiting), active: active + admitted.length };
  }

  async leave(concertId: number, userId: number, entryId?: number): Promise<LeaveResult> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueLeave",
      [k.waiting, k.activeExpiry, k.entries, k.entered, activeKey(k, userId), k.version],
      [userId, entryId === undefined ? "" : entryId])) as number[];
    return r[0] === QueueScriptFailure.NoSuchEntry ? undefined : (num(r[0]) as LeaveResult);
  }

  private statusKeys(k: ConcertQueueKeys, userId: number): string[] {
    return [k.seq, k.entries, k.waiting, activeKey(k, userId), k.activeExpiry, k.admissions, k.maxActive];
  }

  private toStatus(r: number[]): EntryStatus {
    const max = num(r[4]);
    return {
      state: num(r[0]) as EntryState,
      position: num(r[1]),
      expiresAtMs: num(r[2]),
      admissionsInWindow: num(r[3]),
      maxActive: max < 0 ? this.opts.defaultMaxActive : max,
    };
  }

  async status(concertId: number, userId: number, entryId: number): Promise<EntryStatus> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueStatus", this.statusKeys(k, userId), [userId, entryId, this.rateWindowMs])) as number[];
    return this.toStatus(r);
  }

  async statuses(items: Array<{ concertId: number; userId: number; entryId: number }>): Promise<EntryStatus[]> {
    if (items.length === 0) return [];
    const p = this.redis.pipeline();
    for (const it of items) {
      queueScript(p, "queueStatus", this.statusKeys(concertQueueKeys(it.concertId), it.userId), [it.userId, it.entryId, this.rateWindowMs]);
    }
    const out = (await p.exec()) ?? [];
    return out.map(([err, r]) => {
      if (err) throw err;
      return this.toStatus(r as number[]);
    });
  }

  async stats(concertId: number): Promise<QueueStats> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueStats",
      [k.waiting, k.activeExpiry, k.maxActive, k.admittedTotal, k.admissions], [this.rateWindowMs])) as number[];
    // Redis lost the policy: report the durable one, not the default that would replace it.
    const max = num(r[2]) < 0 && this.opts.policies ? await this.restorePolicy(concertId) : num(r[2]);
    return {
      waiting: num(r[0]),
      active: num(r[1]),
      maxActive: max < 0 ? this.opts.defaultMaxActive : max,
      admittedTotal: num(r[3]),
      admissionsInWindow: num(r[4]),
    };
  }

  async listWaiting(concertId: number, offset: number, limit: number): Promise<WaitingEntry[]> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueListWaiting", [k.waiting, k.entered], [offset, limit])) as Array<string | number>;
    const out: WaitingEntry[] = [];
    for (let i = 0; i < r.length; i += 2) out.push({ userId: num(r[i]), position: offset + i / 2 + 1, enteredAtMs: num(r[i + 1]) });
    return out;
  }

  /**
   * Puts the durable policy back into Redis after Redis lost it. NX: an operator's SetQueuePolicy
   * (MySQL first, then Redis) that lands meanwhile wins over this possibly older read.
   */
  private async restorePolicy(concertId: number): Promise<number> {
    const saved = await this.opts.policies!(concertId);
    const key = concertQueueKeys(concertId).maxActive;
    if (saved === undefined) await this.redis.set(key, this.opts.defaultMaxActive, "PX", DEFAULT_POLICY_CACHE_MS, "NX");
    else await this.redis.set(key, saved, "NX");
    return saved ?? this.opts.defaultMaxActive;
  }

  async setMaxActive(concertId: number, maxActive: number): Promise<void> {
    await this.redis.set(concertQueueKeys(concertId).maxActive, maxActive);
  }

  async versions(concertIds: number[]): Promise<string[]> {
    if (concertIds.length === 0) return [];
    // A pipeline of GETs rather than MGET: the keys live in different cluster slots.
    const p = this.redis.pipeline();
    for (const c of concertIds) p.get(concertQueueKeys(c).version);
    return ((await p.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return (v as string | null) ?? "0";
    });
  }

  async queuedConcerts(): Promise<number[]> {
    return (await this.redis.smembers(QUEUED_CONCERTS_KEY)).map(num);
  }

  async markQueued(concertId: number): Promise<void> {
    await this.redis.sadd(QUEUED_CONCERTS_KEY, concertId);
  }

  async unmarkIfIdle(concertId: number): Promise<void> {
    // Remove first, then look again: an entry that slipped in meanwhile is re-added either by this
    // check or by its own markQueued, which runs after its enter script (no lost concert).
    await this.redis.srem(QUEUED_CONCERTS_KEY, concertId);
    const k = concertQueueKeys(concertId);
    const [waiting, active] = await Promise.all([this.redis.zcard(k.waiting), this.redis.zcard(k.activeExpiry)]);
    if (waiting + active > 0) await this.markQueued(concertId);
  }
}
