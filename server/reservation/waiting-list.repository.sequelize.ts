import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { RaceGuardOptions } from "../db/race-guards.js";
import { isDuplicateKey } from "../db/transaction-runner.sequelize.js";
import { sqlTime } from "../db/sql-time.js";
import { run } from "../db/prepared.js";
import type { FreeSeat, WaitingListEntry, WaitingListState, WaitingListSummary } from "./waiting-list.js";
import type { WaitingListRepository } from "./waiting-list.repository.js";

interface EntryRow {
  id: number;
  schedule_id: number;
  user_id: number;
  seat_count: number;
  state: WaitingListState;
  reservation_id: number | null;
  created_at: Date;
  position?: number | string | null;
}

const toEntry = (r: EntryRow): WaitingListEntry => ({
  id: Number(r.id),
  scheduleId: Number(r.schedule_id),
  userId: Number(r.user_id),
  seatCount: Number(r.seat_count),
  state: r.state,
  ...(r.reservation_id ? { reservationId: Number(r.reservation_id) } : {}),
  position: r.state === "WAITING" ? Number(r.position ?? 0) : 0,
  joinedAt: new Date(r.created_at),
});

const ENTRY = "e.id, e.schedule_id, e.user_id, e.seat_count, e.state, e.reservation_id, e.created_at";
/** 1-based place among the WAITING entries (0 for other states; toEntry ignores it then). */
const POSITION = `(SELECT COUNT(*) FROM waiting_list_entries w WHERE w.schedule_id = e.schedule_id AND w.state = 'WAITING' AND w.id <= e.id) AS position`;

export class SequelizeWaitingListRepository implements WaitingListRepository {
  private readonly guards;

  constructor(private readonly db: Sequelize, opts: RaceGuardOptions = {}) {
    this.guards = opts.raceGuards ?? "on";
  }

  private select<T extends object>(tx: Transaction | undefined, sql: string, replacements: unknown[]): Promise<T[]> {
    return this.db.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction: tx });
  }

  private async change(tx: Transaction, sql: string, params: Array<string | number | null>): Promise<number> {
    return Number((await run(tx, sql, params)).affectedRows);
  }

  async lockScheduleForJoin(tx: Transaction, scheduleId: number): Promise<{ concertId: number } | undefined> {
    const [row] = await this.select<{ concert_id: number }>(tx, "SELECT concert_id FROM schedules WHERE id = ? FOR UPDATE", [scheduleId]);
    return row ? { concertId: Number(row.concert_id) } : undefined;
  }

  async availableSeatCount(scheduleId: number, tx?: Transaction): Promise<number> {
    const [row] = await this.select<{ n: number }>(
      tx,
      "SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE'",
      [scheduleId],
    );
    return Number(row.n);
  }

  async lockLiveEntry(tx: Transaction, scheduleId: number, userId: number): Promise<WaitingListEntry | undefined> {
    const [row] = await this.select<EntryRow>(
      tx,
      `SELECT ${ENTRY}, ${POSITION} FROM waiting_list_entries e WHERE e.schedule_id = ? AND e.user_id = ? AND e.live = 1 FOR UPDATE`,
      [scheduleId, userId],
    );
    return row ? toEntry(row) : undefined;
  }

  async insert(tx: Transaction, e: { scheduleId: number; userId: number; seatCount: number; now: Date }): Promise<number | undefined> {
    // A fan's first booking creates their user row (the waiting room before it never touches MySQL).
    await run(tx, "INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", [e.userId]);
    try {
      const { insertId } = await run(
        tx,
        `INSERT INTO waiting_list_entries (schedule_id, user_id, seat_count, state, live, created_at, updated_at)
         VALUES (?, ?, ?, 'WAITING', 1, ?, ?)`,
        [e.scheduleId, e.userId, e.seatCount, sqlTime(e.now), sqlTime(e.now)],
      );
      return Number(insertId);
    } catch (err) {
      if (isDuplicateKey(err)) return undefined;
      throw err;
    }
  }

  async leave(tx: Transaction, entryId: number, now: Date): Promise<boolean> {
    return (
      (await this.change(tx, "UPDATE waiting_list_entries SET state = 'LEFT', live = NULL, updated_at = ? WHERE id = ? AND state = 'WAITING'", [
        sqlTime(now),
        entryId,
      ])) === 1
    );
  }

  async latestOf(scheduleId: number, userId: number, tx?: Transaction): Promise<WaitingListEntry | undefined> {
    const [row] = await this.select<EntryRow>(
      tx,
      `SELECT ${ENTRY}, ${POSITION} FROM waiting_list_entries e WHERE e.user_id = ? AND e.schedule_id = ? ORDER BY e.id DESC LIMIT 1`,
      [userId, scheduleId],
    );
    return row ? toEntry(row) : undefined;
  }

  async lockForOffers(tx: Transaction, scheduleId: number): Promise<boolean> {
    if (this.guards === "off") {
      // Negative control: a plain look, no ordering against joins or other offering transactions.
      const [any] = await this.select<{ id: number }>(
        tx,
        "SELECT id FROM waiting_list_entries WHERE schedule_id = ? AND state = 'WAITING' LIMIT 1",
        [scheduleId],
      );
      return any !== undefined;
    }
    await this.select(tx, "SELECT id FROM schedules WHERE id = ? LOCK IN SHARE MODE", [scheduleId]);
    // Every offering transaction of the schedule asks for the head first and waits here for the one
    // before it; when the head is served meanwhile, InnoDB moves on to the next WAITING row.
    const [head] = await this.select<{ id: number }>(
      tx,
      "SELECT id FROM waiting_list_entries WHERE schedule_id = ? AND state = 'WAITING' ORDER BY id LIMIT 1 FOR UPDATE",
      [scheduleId],
    );
    return head !== undefined;
  }

  async lockFreeSeats(tx: Transaction, scheduleId: number, max: number): Promise<FreeSeat[]> {
    const rows = await this.select<{ seat_number: number; price: number | string }>(
      tx,
      `SELECT seat_number, price FROM seats WHERE schedule_id = ? AND status = 'AVAILABLE'
       ORDER BY seat_number LIMIT ?${this.guards === "on" ? " FOR UPDATE" : ""}`,
      [scheduleId, max],
    );
    return rows.map((r) => ({ number: Number(r.seat_number), price: Number(r.price) }));
  }

  async nextFitting(tx: Transaction, scheduleId: number, maxSeats: number): Promise<{ id: number; userId: number; seatCount: number } | undefined> {
    const [row] = await this.select<{ id: number; user_id: number; seat_count: number }>(
      tx,
      `SELECT id, user_id, seat_count FROM waiting_list_entries WHERE schedule_id = ? AND state = 'WAITING' AND seat_count <= ?
       ORDER BY id LIMIT 1${this.guards === "on" ? " FOR UPDATE" : ""}`,
      [scheduleId, maxSeats],
    );
    return row ? { id: Number(row.id), userId: Number(row.user_id), seatCount: Number(row.seat_count) } : undefined;
  }

  async markOffered(tx: Transaction, entryId: number, reservationId: number, now: Date): Promise<boolean> {
    const n = await this.change(
      tx,
      `UPDATE waiting_list_entries SET state = 'OFFERED', reservation_id = ?, updated_at = ? WHERE id = ?${this.guards === "on" ? " AND state = 'WAITING'" : ""}`,
      [reservationId, sqlTime(now), entryId],
    );
    return n === 1;
  }

  async summary(scheduleId: number): Promise<WaitingListSummary | undefined> {
    const [schedule] = await this.select<{ id: number }>(undefined, "SELECT id FROM schedules WHERE id = ?", [scheduleId]);
    if (!schedule) return undefined;
    const counts = await this.select<{ state: WaitingListState; n: number | string; seats: number | string }>(
      undefined,
      "SELECT state, COUNT(*) AS n, SUM(seat_count) AS seats FROM waiting_list_entries WHERE schedule_id = ? GROUP BY state",
      [scheduleId],
    );
    const of = (s: WaitingListState) => counts.find((c) => c.state === s);
    const offers = await this.select<{ id: number; user_id: number; reservation_id: number; held_until: Date; seats: string | null }>(
      undefined,
      `SELECT e.id, e.user_id, e.reservation_id, r.held_until,
         (SELECT GROUP_CONCAT(rs.seat_number ORDER BY rs.seat_number) FROM reservation_seats rs WHERE rs.reservation_id = r.id) AS seats
       FROM waiting_list_entries e JOIN reservations r ON r.id = e.reservation_id
       WHERE e.schedule_id = ? AND e.state = 'OFFERED' ORDER BY e.id`,
      [scheduleId],
    );
    return {
      scheduleId,
      waiting: Number(of("WAITING")?.n ?? 0),
      seatsWanted: Number(of("WAITING")?.seats ?? 0),
      offers: offers.map((o) => ({
        entryId: Number(o.id),
        userId: Number(o.user_id),
        reservationId: Number(o.reservation_id),
        seatNumbers: o.seats ? String(o.seats).split(",").map(Number) : [],
        heldUntil: new Date(o.held_until),
      })),
      purchased: Number(of("PURCHASED")?.n ?? 0),
      offersExpired: Number(of("OFFER_EXPIRED")?.n ?? 0),
    };
  }
}
