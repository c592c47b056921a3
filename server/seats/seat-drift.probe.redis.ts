import type { Cluster, Redis } from "ioredis";
import { isCluster } from "../redis/redis-client.js";
import type { LuaScript } from "../redis/lua-script.js";
import { seatScripts } from "./lua/seats.scripts.js";
import { seatHoldKey, seatHoldKeyBase, seatStatusKey } from "./seat-keys.js";
import type { RedisHoldKeys, RedisSeatView } from "./seat-drift.js";
import type { SeatDriftProbe } from "./seat-drift.probe.js";

/** Keys per MGET / script call: every key of a schedule shares one slot, but a huge reply would stall Redis. */
const CHUNK = 1000;

/** Bounds of the hold-key scan: SCAN calls of COUNT keys each (single node), or keys read from the slot (Cluster). */
export interface HoldKeyScanLimits {
  scanCalls: number;
  scanCount: number;
  slotKeys: number;
}

export const DEFAULT_SCAN_LIMITS: HoldKeyScanLimits = { scanCalls: 1_000, scanCount: 1_000, slotKeys: 500_000 };

/** A glob matching `literal` exactly (Redis MATCH treats * ? [ ] \ as special). */
const globEscape = (literal: string) => literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

export class RedisSeatDriftProbe implements SeatDriftProbe {
  private readonly drop: LuaScript;
  constructor(
    private readonly redis: Redis,
    private readonly limits: HoldKeyScanLimits = DEFAULT_SCAN_LIMITS,
  ) {
    this.drop = seatScripts(redis).seatsDropStaleHolds;
  }

  /**
   * Finds the schedule's hold keys without knowing their seat numbers. Single node: SCAN with MATCH on the
   * schedule's key base, at most limits.scanCalls calls. Cluster: every key of the schedule carries its hash
   * tag, so all of them are in one slot; CLUSTER GETKEYSINSLOT on the primaries (only the slot's owner has
   * any) reads that slot alone instead of the whole key space. The client's keyPrefix is not applied to
   * MATCH or to returned names, so it is added and removed here.
   */
  async holdKeys(scheduleId: number): Promise<RedisHoldKeys> {
    const prefix = (this.redis.options as { keyPrefix?: string }).keyPrefix ?? "";
    const base = prefix + seatHoldKeyBase(scheduleId);
    const { keys, complete } = isCluster(this.redis) ? await this.slotKeys(base) : await this.scanKeys(base);
    const seats = keys
      .map((k) => k.slice(base.length))
      .filter((suffix) => /^(0|-?[1-9]\d{0,9})$/.test(suffix))
      .map(Number);
    const holders = new Map<number, string>();
    for (let i = 0; i < seats.length; i += CHUNK) {
      const chunk = seats.slice(i, i + CHUNK);
      const values = await this.redis.mget(chunk.map((n) => seatHoldKey(scheduleId, n)));
      values.forEach((v, j) => {
        if (v !== null) holders.set(chunk[j]!, v);
      });
    }
    return { holders, complete };
  }

  private async scanKeys(base: string): Promise<{ keys: string[]; complete: boolean }> {
    const keys = new Set<string>();
    let cursor = "0";
    for (let calls = 0; calls < this.limits.scanCalls; calls++) {
      const [next, batch] = await this.redis.scan(cursor, "MATCH", `${globEscape(base)}*`, "COUNT", this.limits.scanCount);
      for (const k of batch) keys.add(k);
      cursor = next;
      if (cursor === "0") return { keys: [...keys], complete: true };
    }
    return { keys: [...keys], complete: false };
  }

  private async slotKeys(base: string): Promise<{ keys: string[]; complete: boolean }> {
    const cluster = this.redis as unknown as Cluster;
    const slot = Number(await cluster.cluster("KEYSLOT", base));
    const keys: string[] = [];
    let complete = true;
    for (const node of cluster.nodes("master")) {
      const count = Number(await node.cluster("COUNTKEYSINSLOT", slot));
      if (count === 0) continue;
      if (count > this.limits.slotKeys) complete = false;
      const found = (await node.cluster("GETKEYSINSLOT", slot, Math.min(count, this.limits.slotKeys))) as string[];
      keys.push(...found.filter((k) => k.startsWith(base)));
    }
    return { keys, complete };
  }

  async view(scheduleId: number, seatNumbers: number[]): Promise<RedisSeatView> {
    const raw = await this.redis.hgetall(seatStatusKey(scheduleId));
    const entries = Object.entries(raw);
    const statuses = entries.length === 0 ? undefined : new Map(entries.map(([k, v]) => [Number(k), v]));
    const holders = new Map<number, string>();
    for (let i = 0; i < seatNumbers.length; i += CHUNK) {
      const chunk = seatNumbers.slice(i, i + CHUNK);
      const values = await this.redis.mget(chunk.map((n) => seatHoldKey(scheduleId, n)));
      values.forEach((v, j) => {
        if (v !== null) holders.set(chunk[j], v);
      });
    }
    return { statuses, holders };
  }

  async dropHolds(scheduleId: number, holds: Array<{ seatNumber: number; holder: string }>): Promise<void> {
    for (let i = 0; i < holds.length; i += CHUNK) {
      const chunk = holds.slice(i, i + CHUNK);
      await this.drop(chunk.map((h) => seatHoldKey(scheduleId, h.seatNumber)), chunk.map((h) => h.holder));
    }
  }
}
