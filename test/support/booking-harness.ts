import { QueryTypes, type Sequelize } from "sequelize";
import { createSequelize } from "../../server/db/sequelize.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { SequelizeConcertRepository } from "../../server/concert/concert.repository.sequelize.js";
import { RedisSeatStatusStore } from "../../server/seats/seat-status.store.redis.js";
import type { GradeSeats } from "../../server/concert/concert.js";
import type { ActiveSessions } from "../../server/queue/active-sessions.js";
import type { RaceGuards } from "../../server/db/race-guards.js";
import { SequelizeReservationRepository } from "../../server/reservation/reservation.repository.sequelize.js";
import { SequelizeTransactionRunner } from "../../server/db/transaction-runner.sequelize.js";
import { RedisSeatHoldGate } from "../../server/seats/seat-hold.gate.redis.js";
import { HoldSeats } from "../../server/reservation/hold-seats.js";
import { CancelReservation } from "../../server/reservation/cancel-reservation.js";
import { ReleaseExpiredHolds } from "../../server/reservation/release-expired-holds.js";
import { SequelizeBalanceRepository } from "../../server/payment/balance.repository.sequelize.js";
import { SequelizeSeatStates } from "../../server/seats/seat-states.sequelize.js";
import { ReservationsForPayment } from "../../server/reservation/reservations-for-payment.js";
import { OpenSeatHoldGate } from "./open-seat-gate.js";
import { SequelizeWaitingListRepository } from "../../server/reservation/waiting-list.repository.sequelize.js";
import { OfferFreedSeats } from "../../server/reservation/offer-freed-seats.js";
import { JoinWaitingList } from "../../server/reservation/join-waiting-list.js";
import { LeaveWaitingList } from "../../server/reservation/leave-waiting-list.js";
import { GetWaitingListEntry } from "../../server/reservation/get-waiting-list-entry.js";
import { SequelizeIdempotencyStore } from "../../server/payment/idempotency.store.sequelize.js";
import { SequelizePaymentRepository } from "../../server/payment/payment.repository.sequelize.js";
import { ChargeBalance } from "../../server/payment/charge-balance.js";
import { Pay } from "../../server/payment/pay.js";
import { createTestDatabase } from "./database.js";
import { uniqueId } from "./env.js";
import { deleteKeysWithPrefix, testRedis } from "./redis.js";

/**
 * The booking use cases wired to the real MySQL (a fresh database) and Redis (a unique key prefix),
 * without the HTTP layer: race tests drive them directly, and negative controls build them with
 * raceGuards "off" (a constructor option, unreachable from production).
 */
export async function createBookingHarness(opts: { holdTtlSeconds?: number; poolMax?: number; latePayGraceSeconds?: number } = {}) {
  const database = await createTestDatabase();
  const db: Sequelize = createSequelize(database.url, [], opts.poolMax ?? 30);
  const prefix = `test:${uniqueId("bk")}:`;
  const redis = testRedis(prefix);
  const outbox = new SequelizeOutboxWriter(db);
  const catalogue = new SequelizeConcertRepository(db);
  const tx = new SequelizeTransactionRunner(db);
  const reservations = new SequelizeReservationRepository(db);
  const seatStatuses = new RedisSeatStatusStore(redis);
  const seats = new SequelizeSeatStates(db);
  const gate = new RedisSeatHoldGate(redis, seatStatuses, seats);
  const balances = new SequelizeBalanceRepository(db);
  const idempotency = new SequelizeIdempotencyStore(db);
  const ended: Array<{ concertId: number; userId: number }> = [];
  const sessions: ActiveSessions = { end: async (concertId, userId) => void ended.push({ concertId, userId }) };
  const holdTtlSeconds = opts.holdTtlSeconds ?? 300;
  const latePayGraceSeconds = opts.latePayGraceSeconds ?? 0;
  const waitingList = new SequelizeWaitingListRepository(db);

  const useCases = (raceGuards: RaceGuards = "on") => {
    // Negative controls: the SQL adapters built with their guards off, and (for holds) a Redis gate that lets everyone through.
    const off = raceGuards === "off";
    const held = off ? new SequelizeReservationRepository(db, { raceGuards }) : reservations;
    const money = off ? new SequelizeBalanceRepository(db, { raceGuards }) : balances;
    const list = off ? new SequelizeWaitingListRepository(db, { raceGuards }) : waitingList;
    const offers = new OfferFreedSeats(list, held, outbox, gate, { holdTtlSeconds });
    return {
      hold: new HoldSeats(tx, held, off ? new OpenSeatHoldGate(seats) : gate, outbox, { holdTtlSeconds }),
      cancel: new CancelReservation(tx, reservations, gate, outbox, offers),
      release: new ReleaseExpiredHolds(tx, reservations, gate, outbox, offers),
      join: new JoinWaitingList(tx, list),
      leave: new LeaveWaitingList(tx, list),
      entry: new GetWaitingListEntry(list),
      charge: new ChargeBalance(tx, money, idempotency, outbox),
      pay: new Pay({
        tx,
        reservations: new ReservationsForPayment(held, outbox, latePayGraceSeconds),
        balances: money,
        payments: new SequelizePaymentRepository(db, { raceGuards }),
        idempotency,
        outbox,
        gate,
        sessions,
      }),
    };
  };

  const query = <T extends object>(sql: string, replacements: unknown[] = []) =>
    db.query<T>(sql, { replacements, type: QueryTypes.SELECT });

  return {
    db,
    redis,
    prefix,
    gate,
    seatStatuses,
    seats,
    reservations,
    waitingList,
    balances,
    ended,
    useCases,
    query,
    /** A concert with one schedule of the given grades (default: 50 seats at 10,000 KRW). */
    async seedSchedule(grades: GradeSeats[] = [{ grade: "R", count: 50, price: 10_000 }]) {
      const concert = await catalogue.create({ title: "Test", artist: "Band", venue: "Hall", description: "" });
      const schedule = await catalogue.addSchedule({ concertId: concert.id, date: "2030-05-01", startsAt: new Date("2030-05-01T10:00:00Z"), grades });
      return { concertId: concert.id, scheduleId: schedule.id };
    },
    /** What the auth interceptor does on first sight: a user row and a zero balance. */
    async createUsers(ids: number[]) {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await db.query(`INSERT IGNORE INTO users (id, created_at) VALUES ${chunk.map(() => "(?, NOW(3))").join(", ")}`, { replacements: chunk });
        await db.query(`INSERT IGNORE INTO balances (user_id, balance, updated_at) VALUES ${chunk.map(() => "(?, 0, NOW(3))").join(", ")}`, { replacements: chunk });
      }
    },
    /** Deletes every key of this harness's prefix: "Redis flushed" without touching anyone else's keys. */
    async flushOwnKeys() {
      await deleteKeysWithPrefix(prefix);
    },
    async close() {
      await this.flushOwnKeys();
      redis.disconnect();
      await db.close();
      await database.drop();
    },
  };
}

export type BookingHarness = Awaited<ReturnType<typeof createBookingHarness>>;

/** Runs every task at once and sorts the outcomes by error code ("OK" for a success). */
export async function outcomes<T>(tasks: Array<() => Promise<T>>): Promise<{ ok: T[]; codes: Record<string, number> }> {
  const settled = await Promise.allSettled(tasks.map((t) => t()));
  const ok: T[] = [];
  const codes: Record<string, number> = {};
  for (const s of settled) {
    const code = s.status === "fulfilled" ? "OK" : ((s.reason as { code?: string | number }).code ?? String(s.reason));
    codes[String(code)] = (codes[String(code)] ?? 0) + 1;
    if (s.status === "fulfilled") ok.push(s.value);
  }
  return { ok, codes };
}
