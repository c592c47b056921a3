import type { Redis } from "ioredis";
import type { Concert } from "./concert.js";
import type { ConcertInfoCache } from "./concert-info.cache.js";
import type { LuaScript } from "../redis/lua-script.js";
import { concertScripts } from "./lua/concert.scripts.js";

/** SPEC section 6: concert info is a hash with a 1 h TTL. */
export const CONCERT_INFO_TTL_SECONDS = 3600;

const infoKey = (id: number) => `concert-info:{c${id}}`;
const versionKey = (id: number) => `concert-info-version:{c${id}}`;

export class RedisConcertInfoCache implements ConcertInfoCache {
  private readonly set: LuaScript;
  constructor(private readonly redis: Redis, private readonly ttlSeconds = CONCERT_INFO_TTL_SECONDS) {
    this.set = concertScripts(redis).concertSetInfo;
  }

  async get(concertId: number): Promise<{ concert?: Concert; version: string }> {
    const [[, h], [, v]] = (await this.redis.multi().hgetall(infoKey(concertId)).get(versionKey(concertId)).exec()) as [
      [unknown, Record<string, string>],
      [unknown, string | null],
    ];
    const version = v ?? "";
    if (!h || h.id === undefined) return { version };
    return {
      version,
      concert: {
        id: Number(h.id), title: h.title, artist: h.artist, venue: h.venue, description: h.description,
        salesOpenAt: h.salesOpenAt ? new Date(Number(h.salesOpenAt)) : undefined,
        fairnessCommitment: h.fairnessCommitment ?? "",
      },
    };
  }

  async put(c: Concert, version: string): Promise<void> {
    await this.set([infoKey(c.id), versionKey(c.id)], [
      version,
      this.ttlSeconds,
      "id", c.id, "title", c.title, "artist", c.artist, "venue", c.venue, "description", c.description,
      "salesOpenAt", c.salesOpenAt ? c.salesOpenAt.getTime() : "", "fairnessCommitment", c.fairnessCommitment,
    ]);
  }

  async invalidate(concertId: number): Promise<void> {
    // The version outlives any read in flight (seconds), so it may expire with the cache.
    await this.redis
      .multi()
      .incr(versionKey(concertId))
      .expire(versionKey(concertId), this.ttlSeconds * 2)
      .del(infoKey(concertId))
      .exec();
  }
}
