import { Code } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConcertService, SeatStatus } from "../../gen/concert/v1/concert_pb.js";
import { seatStatusKey } from "../../server/seats/seat-keys.js";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { fan, seedConcert } from "../support/booking-api.js";

describe("ListSchedules, ListSeats and the concert info cache (real server)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ queueMaxActive: 50 });
  });
  afterAll(async () => srv?.close());

  it("ListSchedules counts free seats and only_available leaves out sold-out dates", async () => {
    const { admin, concertId, scheduleId } = await seedConcert(srv.url, [{ grade: "R", count: 2, price: 1_000n }]);
    const { schedule: later } = await admin.addSchedule({
      concertId: BigInt(concertId),
      date: "2030-05-02",
      startsAt: timestampFromDate(new Date("2030-05-02T10:00:00Z")),
      grades: [{ grade: "R", count: 3, price: 1_000n }],
    });
    const f = await fan(srv.url, 10, concertId);
    await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1, 2] });
    const all = await f.concerts.listSchedules({ concertId: BigInt(concertId), onlyAvailable: false });
    expect(all.schedules.map((s) => [Number(s.id), s.availableSeats, s.date])).toEqual([
      [scheduleId, 0, "2030-05-01"],
      [Number(later!.id), 3, "2030-05-02"],
    ]);
    const open = await f.concerts.listSchedules({ concertId: BigInt(concertId), onlyAvailable: true });
    expect(open.schedules.map((s) => Number(s.id))).toEqual([Number(later!.id)]);
  });

  it("ListSeats reads the Redis seat hash, falls back to the database when it is gone, and reloads it", async () => {
    const { concertId, scheduleId } = await seedConcert(srv.url);
    const f = await fan(srv.url, 11, concertId);
    await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [3] });
    const redis = srv.app.infra.redis;
    expect(await redis.hget(seatStatusKey(scheduleId), "3")).toBe("HELD");

    // Redis loses the hash: the answer still comes right, from the database, and the hash is back.
    await redis.del(seatStatusKey(scheduleId));
    const seats = (await f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: false })).seats;
    expect(seats.find((s) => s.number === 3)!.status).toBe(SeatStatus.HELD);
    expect(await redis.hget(seatStatusKey(scheduleId), "3")).toBe("HELD");
    expect(await redis.hlen(seatStatusKey(scheduleId))).toBe(20);

    // The hash is what ListSeats serves (here made to disagree on purpose, to prove it is read).
    await redis.hset(seatStatusKey(scheduleId), "20", "SOLD");
    const fromHash = (await f.concerts.listSeats({ scheduleId: BigInt(scheduleId), onlyAvailable: true })).seats.map((s) => s.number);
    expect(fromHash).not.toContain(20);
    expect(fromHash).not.toContain(3);
    expect(fromHash.length).toBe(18);
  });

  it("concert info is cached, invalidated by UpdateConcert and AddSchedule, and the hit ratio is exported", async () => {
    const { admin, concertId } = await seedConcert(srv.url);
    const pub = clientFor(ConcertService, srv.url);
    expect((await pub.getConcert({ concertId: BigInt(concertId) })).concert!.title).toBe("Spring Tour");
    expect((await pub.getConcert({ concertId: BigInt(concertId) })).concert!.title).toBe("Spring Tour");
    const cached = await srv.app.infra.redis.hgetall(`concert-info:{c${concertId}}`);
    expect(cached.title).toBe("Spring Tour");
    expect(await srv.app.infra.redis.ttl(`concert-info:{c${concertId}}`)).toBeGreaterThan(3500);

    await admin.updateConcert({ concertId: BigInt(concertId), title: "Autumn Tour" });
    expect((await pub.getConcert({ concertId: BigInt(concertId) })).concert!.title).toBe("Autumn Tour");
    await admin.addSchedule({
      concertId: BigInt(concertId),
      date: "2030-06-01",
      startsAt: timestampFromDate(new Date("2030-06-01T10:00:00Z")),
      grades: [{ grade: "R", count: 1, price: 1n }],
    });
    expect(await srv.app.infra.redis.exists(`concert-info:{c${concertId}}`)).toBe(0);

    await expect(pub.getConcert({ concertId: 999_999n })).rejects.toMatchObject({ code: Code.NotFound });
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    const hits = /cache_lookups_total\{cache="concert_info",result="hit"\} (\d+)/.exec(metrics);
    expect(Number(hits?.[1])).toBeGreaterThanOrEqual(1);
    const ratio = /cache_hit_ratio\{cache="concert_info"\} ([0-9.]+)/.exec(metrics);
    expect(Number(ratio?.[1])).toBeGreaterThan(0);
    expect(Number(ratio?.[1])).toBeLessThan(1);
  });

  it("a concert changed while a cache fill is in flight is not cached stale", async () => {
    const { admin, concertId } = await seedConcert(srv.url);
    const { RedisConcertInfoCache } = await import("../../server/concert/concert-info.cache.redis.js");
    const cache = new RedisConcertInfoCache(srv.app.infra.redis);
    const { version } = await cache.get(concertId); // a reader notes the version, then reads the old row...
    await admin.updateConcert({ concertId: BigInt(concertId), title: "New" }); // ...an update lands...
    await cache.put({ id: concertId, title: "Old", artist: "a", venue: "v", description: "", fairnessCommitment: "" }, version); // ...the late fill is dropped
    expect((await cache.get(concertId)).concert).toBeUndefined();
  });
});
