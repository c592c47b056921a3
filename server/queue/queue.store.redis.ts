import type { Redis } from "ioredis";
import { activeKey, CLOCK_SPACING_MS, concertQueueKeys, QUEUED_CONCERTS_KEY, type ConcertQueueKeys } from "./queue-keys.js";
import { EntryState, QueueScriptFailure } from "./entry-state.js";
import { defineQueueScripts, queueScript, runScript } from "./lua/queue.scripts.js";
import type { Admission, AdmitResult, EnterResult, EntryStatus, LeaveResult, QueueStats, QueueStore, WaitingEntry } from "./queue.store.js";
import { isCluster } from "../redis/redis-client.js";
import { execPipeline } from "../redis/lua-script.js";

export interface RedisQueueStoreOptions {
  activeTtlSeconds: number;
  defaultMaxActive: number;
  /** How far back admissions count towards the observed rate. */
  rateWindowMs?: number;
  /** Most slots one admission step expires or fills. */
  batch?: number;
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

/** KEYS of enter.lua for one user (exported for the bench's line filler, which runs the same script). */
export function enterKeys(k: ConcertQueueKeys, userId: number): string[] {
  return [k.seq, k.waiting, activeKey(k, userId), k.activeExpiry, k.version, k.maxActive, k.admittedTotal, k.admissions, k.activeBase, k.clock, k.listed];
}

function admissionsOf(flat: Array<string | number>): Admission[] {
  const out: Admission[] = [];
  for (let i = 0; i < flat.length; i += 3) out.push({ userId: num(flat[i]), entryId: num(flat[i + 1]), expiresAtMs: num(flat[i + 2]) });
  return out;
}

/** Entries per watch-batch script call: bounds how long one call holds Redis. */
const WATCH_CHUNK = 2000;

export class RedisQueueStore implements QueueStore {
  readonly rateWindowMs: number;
  protected readonly ttlMs: number;
  private readonly batch: number;

  constructor(protected readonly redis: Redis, protected readonly opts: RedisQueueStoreOptions) {
    defineQueueScripts(redis);
    this.rateWindowMs = opts.rateWindowMs ?? 60_000;
    this.ttlMs = opts.activeTtlSeconds * 1000;
    this.batch = opts.batch ?? 1000;
  }

  async enter(concertId: number, userId: number): Promise<EnterResult> {
    const k = concertQueueKeys(concertId);
    type Raw = Array<number | Array<string | number>>;
    const run = async () => (await runScript(this.redis, "queueEnter", enterKeys(k, userId),
      [userId, this.ttlMs, this.opts.defaultMaxActive, this.rateWindowMs, this.batch, CLOCK_SPACING_MS, this.opts.policies ? "1" : "0"])) as Raw;
    // `first` tells what this call did to the fan (new entry, ended slot, place at entry); after a
    // policy restore the second run only adds the current state and whoever it admitted.
    const first = await run();
    let r = first;
    if (first[12] === 1) {
      // Redis has no copy of the policy (a new concert, or Redis lost it): restore it from MySQL (the
      // default is then cached for a minute), then enter again, which now admits if there is room.
      await this.restorePolicy(concertId);
      r = await run();
    }
    // The ticker's set of concerts cannot share the concert's cluster slot, so it is updated outside
    // the script: only by the first entry of an idle line (enter.lua saw `listed` unset).
    if (r[10] === 1) await this.markQueued(concertId);
    const admitted = r === first ? [] : admissionsOf(first[11] as Array<string | number>);
    return {
      entryId: num(r[0]),
      status: {
        state: num(r[1]) as EntryState,
        position: num(r[2]),
        expiresAtMs: num(r[3]),
        admissionsInWindow: num(r[8]),
        maxActive: num(r[9]),
        waiting: num(r[7]),
      },
      isNew: first[4] === 1,
      endedByTtl: first[5] === 1,
      positionAtEntry: num(first[6]),
      admitted: [...admitted, ...admissionsOf(r[11] as Array<string | number>)],
    };
  }

  async admit(concertId: number): Promise<AdmitResult> {
    const k = concertQueueKeys(concertId);
    type Raw = [string[], Array<string | number>, number, number];
    const run = async () => (await runScript(this.redis, "queueAdmit",
      [k.waiting, k.activeExpiry, k.maxActive, k.admittedTotal, k.admissions, k.clock, k.version, k.activeBase],
      [this.ttlMs, this.opts.defaultMaxActive, this.rateWindowMs, this.batch, this.opts.policies ? "1" : "0"])) as Raw;
    let r = await run();
    if (num(r[2]) < 0) {
      await this.restorePolicy(concertId);
      r = await run();
      if (num(r[2]) < 0) return { expired: [], admitted: [], waiting: 0, active: 0 }; // lost again meanwhile: next tick
    }
    return { expired: r[0].map(num), admitted: admissionsOf(r[1]), waiting: num(r[2]), active: num(r[3]) };
  }

  async leave(concertId: number, userId: number, entryId?: number): Promise<LeaveResult> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueLeave",
      [k.waiting, k.activeExpiry, activeKey(k, userId), k.version],
      [userId, entryId === undefined ? "" : entryId])) as number[];
    return r[0] === QueueScriptFailure.NoSuchEntry ? undefined : (num(r[0]) as LeaveResult);
  }

  private statusKeys(k: ConcertQueueKeys, userId: number): string[] {
    return [k.seq, k.waiting, activeKey(k, userId), k.activeExpiry, k.admissions, k.maxActive];
  }

  private toStatus(r: number[]): EntryStatus {
    const max = num(r[4]);
    return {
      state: num(r[0]) as EntryState,
      position: num(r[1]),
      expiresAtMs: num(r[2]),
      admissionsInWindow: num(r[3]),
      maxActive: max < 0 ? this.opts.defaultMaxActive : max,
      waiting: num(r[5]),
    };
  }

  async status(concertId: number, userId: number, entryId: number): Promise<EntryStatus> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueStatus", this.statusKeys(k, userId), [userId, entryId, this.rateWindowMs])) as number[];
    return this.toStatus(r);
  }

  async statuses(items: Array<{ concertId: number; userId: number; entryId: number }>): Promise<EntryStatus[]> {
    if (items.length === 0) return [];
    // Redis Cluster refuses a pipeline whose keys live on different nodes: one call each (auto-pipelined per node).
    if (isCluster(this.redis)) return Promise.all(items.map((it) => this.status(it.concertId, it.userId, it.entryId)));
    const p = this.redis.pipeline();
    for (const it of items) {
      queueScript(p, "queueStatus", this.statusKeys(concertQueueKeys(it.concertId), it.userId), [it.userId, it.entryId, this.rateWindowMs]);
    }
    const out = (await execPipeline(p, "queueStatus")) ?? [];
    return out.map(([err, r]) => {
      if (err) throw err;
      return this.toStatus(r as number[]);
    });
  }

  async watchBatch(concertId: number, items: Array<{ userId: number; entryId: number }>): Promise<{ version: string; statuses: EntryStatus[] }> {
    const k = concertQueueKeys(concertId);
    const keys = [k.waiting, k.activeExpiry, k.admissions, k.maxActive, k.version, k.activeBase];
    const chunks: Array<Array<{ userId: number; entryId: number }>> = [];
    for (let i = 0; i < items.length; i += WATCH_CHUNK) chunks.push(items.slice(i, i + WATCH_CHUNK));
    if (chunks.length === 0) chunks.push([]);
    const p = this.redis.pipeline();
    for (const c of chunks) {
      const args: Array<string | number> = [this.rateWindowMs];
      for (const it of c) args.push(it.userId, it.entryId);
      queueScript(p, "queueWatchBatch", keys, args);
    }
    const out = (await execPipeline(p, "queueWatchBatch")) ?? [];
    const statuses: EntryStatus[] = [];
    // The first chunk's counter is the one to remember: a change during later chunks is seen next tick.
    let version = "0";
    out.forEach(([err, res], ci) => {
      if (err) throw err;
      const [v, recent, rawMax, waiting, flat] = res as [string, number, number, number, number[]];
      if (ci === 0) version = String(v);
      const maxActive = num(rawMax) < 0 ? this.opts.defaultMaxActive : num(rawMax);
      for (let i = 0; i < flat.length; i += 2) {
        const state = num(flat[i]) as EntryState;
        statuses.push({
          state,
          position: state === 1 ? num(flat[i + 1]) : 0,
          expiresAtMs: state === 2 ? num(flat[i + 1]) : 0,
          admissionsInWindow: num(recent),
          maxActive,
          waiting: num(waiting),
        });
      }
    });
    return { version, statuses };
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
    const r = (await runScript(this.redis, "queueListWaiting", [k.waiting, k.clock], [offset, limit])) as Array<string | number>;
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
    if (isCluster(this.redis)) return Promise.all(concertIds.map(async (c) => (await this.redis.get(concertQueueKeys(c).version)) ?? "0"));
    // A pipeline of GETs rather than MGET: the keys live in different cluster slots.
    const p = this.redis.pipeline();
    for (const c of concertIds) p.get(concertQueueKeys(c).version);
    return ((await execPipeline(p, "GET version")) ?? []).map(([err, v]) => {
      if (err) throw err;
      return (v as string | null) ?? "0";
    });
  }

  async queuedConcerts(): Promise<number[]> {
    return (await this.redis.smembers(QUEUED_CONCERTS_KEY)).map(num);
  }

  async markQueued(concertId: number): Promise<void> {
    // Set first, flag after: if the SADD fails the flag stays unset and the next entry retries it.
    await this.redis.sadd(QUEUED_CONCERTS_KEY, concertId);
    await this.redis.set(concertQueueKeys(concertId).listed, 1);
  }

  async unmarkIfIdle(concertId: number): Promise<void> {
    // Remove first, then look again atomically with clearing `listed`: an entry that slipped in
    // before the look is counted (re-added here); one after it finds `listed` unset and adds itself.
    await this.redis.srem(QUEUED_CONCERTS_KEY, concertId);
    const k = concertQueueKeys(concertId);
    const busy = await runScript(this.redis, "queueUnlist", [k.waiting, k.activeExpiry, k.listed], []);
    if (busy === 1) await this.redis.sadd(QUEUED_CONCERTS_KEY, concertId);
  }
}
