import type { Redis } from "ioredis";
import { activeKey, CLOCK_SPACING_MS, concertQueueKeys, QUEUED_CONCERTS_KEY, type ConcertQueueKeys } from "./queue-keys.js";
import { EntryState, QueueScriptFailure } from "./entry-state.js";
import { defineQueueScripts, queueScript, runScript } from "./lua/queue.scripts.js";
import type { Admission, AdmitResult, DrawRecord, EnterResult, EntryStatus, LeaveResult, OpeningChange, QueueStats, QueueStore, WaitingEntry } from "./queue.store.js";
import { drawKeyOf, newDrawNonce } from "./draw.js";
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
  /** A concert's opening and draw secret from MySQL, read only when Redis has no copy (never per fan). */
  openings?: OpeningSource;
}

/** The opening as MySQL has it: at (ms, 0 = none), and the draw's seed and commitment ("" = none). */
export type OpeningSource = (concertId: number) => Promise<{ atMs: number; seed: string; commitment: string }>;

/** What this process knows of a concert's opening: `at` exactly as Redis spells it, and the seed its draw keys need. */
interface OpeningFacts {
  at: string;
  seed: string;
}

/** max_active (and whether AUTO) for a concert from the durable store; undefined when no operator set one. */
export type PolicySource = (concertId: number) => Promise<{ maxActive: number; auto: boolean } | undefined>;

/** A default (no operator policy) is cached with a TTL, so a changed QUEUE_MAX_ACTIVE still reaches old concerts. */
const DEFAULT_POLICY_CACHE_MS = 60_000;

const num = (v: unknown) => Number(v);

/** KEYS of enter.lua for one user (exported for the bench's line filler, which runs the same script). */
export function enterKeys(k: ConcertQueueKeys, userId: number): string[] {
  return [k.seq, k.waiting, activeKey(k, userId), k.activeExpiry, k.version, k.maxActive, k.admittedTotal, k.admissions, k.activeBase, k.clock, k.listed,
    k.opening, k.pre, k.preFans, k.soldOut, k.slots];
}

/** KEYS of admit.lua (exported for the test-only stores that wrap it). */
export function admitKeys(k: ConcertQueueKeys): string[] {
  return [k.waiting, k.activeExpiry, k.maxActive, k.admittedTotal, k.admissions, k.clock, k.version, k.activeBase, k.opening, k.pre, k.seq, k.soldOut, k.slots];
}

/** Enter's outcome codes about the opening (enter.lua, return index 13). */
const enum OpeningCheck { Ok = 0, Missing = 1, Stale = 2, DrawDue = 3 }

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
  /** Openings this process has seen (kept in step by enter.lua, which refuses a stale `at`). */
  private readonly openings = new Map<number, OpeningFacts>();

  constructor(protected readonly redis: Redis, protected readonly opts: RedisQueueStoreOptions) {
    defineQueueScripts(redis);
    this.rateWindowMs = opts.rateWindowMs ?? 60_000;
    this.ttlMs = opts.activeTtlSeconds * 1000;
    this.batch = opts.batch ?? 1000;
  }

  async enter(concertId: number, userId: number): Promise<EnterResult> {
    const k = concertQueueKeys(concertId);
    type Raw = Array<number | string | Array<string | number>>;
    const steps: AdmitResult[] = [];
    const once = async () => {
      const f = this.openings.get(concertId);
      // The draw key is computed here (Redis Lua has no SHA-256); enter.lua uses it only before the opening.
      const nonce = f && f.at !== "0" && f.seed ? newDrawNonce() : "";
      const drawKey = nonce ? drawKeyOf(f!.seed, userId, nonce) : "";
      return (await runScript(this.redis, "queueEnter", enterKeys(k, userId),
        [userId, this.ttlMs, this.opts.defaultMaxActive, this.rateWindowMs, this.batch, CLOCK_SPACING_MS, this.opts.policies ? "1" : "0",
          f?.at ?? "?", drawKey, nonce])) as Raw;
    };
    // The common case is one round trip. This process's idea of the opening is checked by the script:
    // when Redis has none, or another one (an operator moved it), or the draw is due, nothing changed and
    // the script is run again once that is settled (a few times at most per concert and process).
    const run = async () => {
      for (let i = 0; ; i++) {
        const r = await once();
        const check = num(r[13]) as OpeningCheck;
        if (check === OpeningCheck.Ok || i >= 5) return r;
        if (check === OpeningCheck.Stale) this.openings.set(concertId, { at: String(r[15]), seed: String(r[16]) });
        else if (check === OpeningCheck.Missing) await this.restoreOpening(concertId);
        else steps.push(await this.admit(concertId));
      }
    };
    // `first` tells what this call did to the fan (new entry, ended slot, place at entry); after a
    // policy restore the second run only adds the current state and whoever it admitted.
    const first = await run();
    if (num(first[13]) !== OpeningCheck.Ok) throw new Error(`concert ${concertId}: the opening kept changing during IssueToken; try again`);
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
    const state = num(r[1]) as EntryState;
    return {
      entryId: num(r[0]),
      status: {
        state,
        position: num(r[2]),
        expiresAtMs: num(r[3]),
        admissionsInWindow: num(r[8]),
        maxActive: num(r[9]),
        waiting: num(r[7]),
        drawNonce: String(r[14] ?? ""),
        opensAtMs: state === EntryState.BeforeOpen ? num(this.openings.get(concertId)?.at ?? 0) : undefined,
      },
      isNew: first[4] === 1,
      endedByTtl: first[5] === 1,
      positionAtEntry: num(first[6]),
      admitted: [...admitted, ...admissionsOf(r[11] as Array<string | number>)],
      steps,
    };
  }

  /** Puts the opening back into Redis from MySQL (fields Redis still has win) and remembers it. */
  private async restoreOpening(concertId: number): Promise<void> {
    const o = this.opts.openings ? await this.opts.openings(concertId) : { atMs: 0, seed: "", commitment: "" };
    const r = (await runScript(this.redis, "queueRestoreOpening", [concertQueueKeys(concertId).opening], [o.atMs, o.seed, o.commitment])) as string[];
    this.openings.set(concertId, { at: String(r[0]), seed: String(r[1]) });
  }

  async admit(concertId: number): Promise<AdmitResult> {
    const k = concertQueueKeys(concertId);
    type Raw = [string[], Array<string | number>, number, number, number, string, string];
    const run = async () => (await runScript(this.redis, "queueAdmit", admitKeys(k),
      [this.ttlMs, this.opts.defaultMaxActive, this.rateWindowMs, this.batch, this.opts.policies ? "1" : "0"])) as Raw;
    let r = await run();
    for (let i = 0; i < 2 && num(r[2]) < 0; i++) {
      if (num(r[2]) === -2) await this.restoreOpening(concertId);
      else await this.restorePolicy(concertId);
      r = await run();
    }
    if (num(r[2]) < 0) return { expired: [], admitted: [], waiting: 0, active: 0 }; // lost again meanwhile: next tick
    return {
      expired: r[0].map(num),
      admitted: admissionsOf(r[1]),
      waiting: num(r[2]),
      active: num(r[3]),
      draw: num(r[4]) >= 0 ? { entrants: num(r[4]), salesOpenAtMs: num(r[5]), commitment: String(r[6]) } : undefined,
    };
  }

  async leave(concertId: number, userId: number, entryId?: number): Promise<LeaveResult> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueLeave",
      [k.waiting, k.activeExpiry, activeKey(k, userId), k.version, k.opening, k.pre, k.preFans],
      [userId, entryId === undefined ? "" : entryId])) as number[];
    return r[0] === QueueScriptFailure.NoSuchEntry ? undefined : (num(r[0]) as LeaveResult);
  }

  private statusKeys(k: ConcertQueueKeys, userId: number): string[] {
    return [k.seq, k.waiting, activeKey(k, userId), k.activeExpiry, k.admissions, k.maxActive, k.opening, k.pre, k.preFans, k.soldOut, k.slots];
  }

  private toStatus(r: Array<number | string>): EntryStatus {
    const max = num(r[4]);
    const state = num(r[0]) as EntryState;
    return {
      state,
      position: num(r[1]),
      expiresAtMs: state === EntryState.Active ? num(r[2]) : 0,
      admissionsInWindow: num(r[3]),
      maxActive: max < 0 ? this.opts.defaultMaxActive : max,
      waiting: num(r[5]),
      drawNonce: String(r[6] ?? ""),
      opensAtMs: state === EntryState.BeforeOpen ? num(r[2]) : undefined,
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
    const keys = [k.waiting, k.activeExpiry, k.admissions, k.maxActive, k.version, k.activeBase, k.opening, k.pre, k.preFans, k.soldOut, k.slots];
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
          position: state === EntryState.Waiting ? num(flat[i + 1]) : 0,
          expiresAtMs: state === EntryState.Active ? num(flat[i + 1]) : 0,
          admissionsInWindow: num(recent),
          maxActive,
          waiting: num(waiting),
          opensAtMs: state === EntryState.BeforeOpen ? num(flat[i + 1]) : undefined,
        });
      }
    });
    return { version, statuses };
  }

  async stats(concertId: number): Promise<QueueStats> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueStats",
      [k.waiting, k.activeExpiry, k.maxActive, k.admittedTotal, k.admissions, k.soldOut, k.slots], [this.rateWindowMs])) as number[];
    // Redis lost the policy: report the durable one, not the default that would replace it.
    const max = num(r[2]) < 0 && this.opts.policies ? await this.restorePolicy(concertId) : num(r[2]);
    return {
      waiting: num(r[0]),
      active: num(r[1]),
      maxActive: max < 0 ? this.opts.defaultMaxActive : max,
      admittedTotal: num(r[3]),
      admissionsInWindow: num(r[4]),
      soldOut: num(r[5]) === 1,
      slots: num(r[6]) < 0 ? undefined : num(r[6]),
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
    const k = concertQueueKeys(concertId);
    if (saved === undefined) await this.redis.set(k.maxActive, this.opts.defaultMaxActive, "PX", DEFAULT_POLICY_CACHE_MS, "NX");
    else {
      // The mode first: admission reads max-active, and AUTO only ever narrows it.
      if (saved.auto) await this.redis.set(k.mode, "auto", "NX");
      await this.redis.set(k.maxActive, saved.maxActive, "NX");
    }
    return saved?.maxActive ?? this.opts.defaultMaxActive;
  }

  async setOpening(concertId: number, atMs: number | null, seed: string, commitment: string): Promise<OpeningChange> {
    const k = concertQueueKeys(concertId);
    const r = (await runScript(this.redis, "queueSetOpening", [k.opening, k.version], [atMs === null ? "now" : atMs, seed, commitment])) as Array<number | string>;
    if (num(r[0]) === QueueScriptFailure.OpeningPassed) return { ok: false };
    return { ok: true, seed: String(r[1]), commitment: String(r[2]) };
  }

  async draw(concertId: number): Promise<DrawRecord | undefined> {
    const k = concertQueueKeys(concertId);
    type Raw = [number, string, string, string, string, string, string[]];
    const read = async () => (await runScript(this.redis, "queueGetDraw", [k.opening, k.pre], [])) as Raw;
    let r = await read();
    if (num(r[0]) === 0) {
      await this.restoreOpening(concertId);
      r = await read();
    }
    if (!r[2]) return undefined; // no opening was ever scheduled: no draw
    const drawn = r[3] === "1";
    return {
      salesOpenAtMs: num(r[1]),
      commitment: r[2],
      drawnAtMs: drawn ? num(r[4]) : undefined,
      seed: drawn ? r[5] : "",
      drawKeys: drawn ? r[6].map((m) => m.slice(0, 64)) : [],
    };
  }

  async markSoldOut(concertId: number): Promise<number | undefined> {
    const k = concertQueueKeys(concertId);
    const n = num(await runScript(this.redis, "queueSoldOut", [k.soldOut, k.waiting, k.version, k.clock], []));
    return n < 0 ? undefined : n;
  }

  async reopen(concertId: number): Promise<boolean> {
    const k = concertQueueKeys(concertId);
    return num(await runScript(this.redis, "queueReopen", [k.soldOut, k.version], [])) === 1;
  }

  async setSlots(concertId: number, slots: number | undefined): Promise<void> {
    const key = concertQueueKeys(concertId).slots;
    if (slots === undefined) await this.redis.del(key);
    else await this.redis.set(key, slots);
  }

  async setMaxActive(concertId: number, maxActive: number, auto = false): Promise<void> {
    const k = concertQueueKeys(concertId);
    await this.redis.multi().set(k.maxActive, maxActive).set(k.mode, auto ? "auto" : "manual").exec();
  }

  async isAuto(concertId: number): Promise<boolean> {
    return (await this.redis.get(concertQueueKeys(concertId).mode)) === "auto";
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
    const busy = await runScript(this.redis, "queueUnlist", [k.waiting, k.activeExpiry, k.listed, k.pre, k.opening], []);
    if (busy === 1) await this.redis.sadd(QUEUED_CONCERTS_KEY, concertId);
  }
}
