import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { RaceGuardOptions } from "../db/race-guards.js";
import type { Reservation, ReservationStatus } from "./reservation.js";
import type { NewHold, ReservationRepository, ScheduleSeats } from "./reservation.repository.js";
import { seatsTaken } from "./reservation.errors.js";
import { isDuplicateKey } from "../db/transaction-runner.sequelize.js";
import { sqlTime } from "../db/sql-time.js";
import { later, marks, run, runAll, select } from "../db/prepared.js";

interface ReservationRow {
  id: number;
  user_id: number;
  concert_id: number;
  schedule_id: number;
  total_price: number | string;
  status: ReservationStatus;
  held_until: Date;
  created_at: Date;
  waiting_list_entry_id: number | null;
}

const COLUMNS = "id, user_id, concert_id, schedule_id, total_price, status, held_until, created_at, waiting_list_entry_id";

const toReservation = (r: ReservationRow, seats: number[]): Reservation => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  concertId: Number(r.concert_id),
  scheduleId: Number(r.schedule_id),
  seatNumbers: seats,
  totalPrice: Number(r.total_price),
  status: r.status,
  heldUntil: new Date(r.held_until),
  createdAt: new Date(r.created_at),
  ...(r.waiting_list_entry_id ? { waitingListEntryId: Number(r.waiting_list_entry_id) } : {}),
});

export class SequelizeReservationRepository implements ReservationRepository {
  /** Seat layouts never change after AddSchedule, so they are memoised (bounded) per process. */
  private readonly layouts = new Map<number, ScheduleSeats>();

  private readonly maxLayouts: number;
  private readonly guards;

  constructor(private readonly db: Sequelize, opts: RaceGuardOptions & { maxLayouts?: number } = {}) {
    this.maxLayouts = opts.maxLayouts ?? 200;
    this.guards = opts.raceGuards ?? "on";
  }

  async scheduleSeats(scheduleId: number): Promise<ScheduleSeats | undefined> {
    const known = this.layouts.get(scheduleId);
    if (known) return known;
    const [schedule] = await this.db.query<{ concert_id: number }>("SELECT concert_id FROM schedules WHERE id = ?", {
      replacements: [scheduleId],
      type: QueryTypes.SELECT,
    });
    if (!schedule) return undefined;
    const seats = await this.db.query<{ seat_number: number; price: number | string }>(
      "SELECT seat_number, price FROM seats WHERE schedule_id = ?",
      { replacements: [scheduleId], type: QueryTypes.SELECT },
    );
    const layout = { concertId: Number(schedule.concert_id), prices: new Map(seats.map((s) => [s.seat_number, Number(s.price)])) };
    if (this.layouts.size >= this.maxLayouts) this.layouts.delete(this.layouts.keys().next().value!);
    this.layouts.set(scheduleId, layout);
    return layout;
  }

  async insertHold(tx: Transaction, h: NewHold): Promise<Reservation> {
    const guards = this.guards;
    const seats = [...h.seatNumbers].sort((a, b) => a - b);
    if (guards === "off") {
      // Negative control: check-then-act with a plain read, as a naive implementation would.
      const [busy] = await this.db.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND seat_number IN (?) AND status <> 'AVAILABLE'",
        { replacements: [h.scheduleId, seats], type: QueryTypes.SELECT, transaction: tx },
      );
      if (Number(busy.n) > 0) throw seatsTaken([]);
    }
    // One round trip (db/prepared.ts runAll; START TRANSACTION rides along): the fan's user row (a
    // fan's first booking creates it; the waiting room before it never touches MySQL), the reservation,
    // and the guard. The conditional UPDATE locks the seats (via the unique index, in seat order) and
    // changes only those still AVAILABLE; fewer rows than asked means someone else has one. It names
    // the reservation by LAST_INSERT_ID(), the id the INSERT just before it generated on this connection.
    const [, inserted, guarded] = await runAll(tx, [
      { sql: "INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", params: [h.userId] },
      {
        sql: `INSERT INTO reservations (user_id, concert_id, schedule_id, total_price, status, held_until, created_at, updated_at, waiting_list_entry_id)
       VALUES (?, ?, ?, ?, 'HELD', ?, ?, ?, ?)`,
        params: [h.userId, h.concertId, h.scheduleId, h.totalPrice, sqlTime(h.heldUntil), sqlTime(h.now), sqlTime(h.now), h.waitingListEntryId ?? null],
      },
      {
        sql: `UPDATE seats SET status = 'HELD', reservation_id = LAST_INSERT_ID()
       WHERE schedule_id = ? AND seat_number IN (${marks(seats.length)})${guards === "on" ? " AND status = 'AVAILABLE'" : ""}`,
        params: [h.scheduleId, ...seats],
      },
    ]);
    const reservationId = Number(inserted!.insertId);
    if (Number(guarded!.affectedRows) !== seats.length && guards === "on") throw seatsTaken([]);
    // Backstop: the unique key (schedule_id, seat_number, live) admits one live row per seat.
    // With guards off, live = NULL disarms it for the negative control. Queued: it goes out with
    // COMMIT (or the next statement), and a duplicate stops the batch before COMMIT runs.
    await later(
      tx,
      `INSERT INTO reservation_seats (reservation_id, schedule_id, seat_number, live) VALUES ${seats.map(() => "(?, ?, ?, ?)").join(", ")}`,
      seats.flatMap((n) => [reservationId, h.scheduleId, n, guards === "on" ? 1 : null]),
      (e) => (isDuplicateKey(e) ? seatsTaken([]) : undefined),
    );
    return {
      id: reservationId,
      userId: h.userId,
      concertId: h.concertId,
      scheduleId: h.scheduleId,
      seatNumbers: seats,
      totalPrice: h.totalPrice,
      status: "HELD",
      heldUntil: h.heldUntil,
      createdAt: h.now,
      ...(h.waitingListEntryId ? { waitingListEntryId: h.waitingListEntryId } : {}),
    };
  }

  async find(id: number): Promise<Reservation | undefined> {
    const [row] = await this.db.query<ReservationRow>(`SELECT ${COLUMNS} FROM reservations WHERE id = ?`, {
      replacements: [id],
      type: QueryTypes.SELECT,
    });
    return row ? (await this.withSeats([row]))[0] : undefined;
  }

  async findWithPaidAt(id: number): Promise<{ reservation: Reservation; paidAt?: Date } | undefined> {
    const [row] = await this.db.query<ReservationRow & { paid_at: Date | null }>(
      `SELECT r.id, r.user_id, r.concert_id, r.schedule_id, r.total_price, r.status, r.held_until, r.created_at, r.waiting_list_entry_id, p.paid_at
       FROM reservations r LEFT JOIN payments p ON p.reservation_id = r.id WHERE r.id = ?`,
      { replacements: [id], type: QueryTypes.SELECT },
    );
    if (!row) return undefined;
    return { reservation: toReservation(row, []), ...(row.paid_at ? { paidAt: new Date(row.paid_at) } : {}) };
  }

  async lock(tx: Transaction, id: number): Promise<Reservation | undefined> {
    const guards = this.guards;
    const [row] = await this.db.query<ReservationRow>(
      `SELECT ${COLUMNS} FROM reservations WHERE id = ?${guards === "on" ? " FOR UPDATE" : ""}`,
      { replacements: [id], type: QueryTypes.SELECT, transaction: tx },
    );
    return row ? (await this.withSeats([row], tx))[0] : undefined;
  }

  async lockForPayment(tx: Transaction, id: number, payerId: number): Promise<{ reservation: Reservation; balance: number } | undefined> {
    const guards = this.guards;
    // One statement instead of three (reservation, its seats, the payer's balance). With FOR UPDATE
    // InnoDB locks the rows it reads in both joined tables: the reservation (ordering us against
    // Cancel, the sweeper and other Pays) and the payer's balance row, so the balance read here is
    // the one the conditional deduction will see and the balance after is known without a re-read.
    const [row] = await select<ReservationRow & { seats: string | null; balance: number | string | null }>(
      tx,
      `SELECT r.id, r.user_id, r.concert_id, r.schedule_id, r.total_price, r.status, r.held_until, r.created_at, r.waiting_list_entry_id,
         (SELECT GROUP_CONCAT(rs.seat_number ORDER BY rs.seat_number) FROM reservation_seats rs WHERE rs.reservation_id = r.id) AS seats,
         b.balance
       FROM reservations r LEFT JOIN balances b ON b.user_id = ?
       WHERE r.id = ?${guards === "on" ? " FOR UPDATE" : ""}`,
      [payerId, id],
    );
    if (!row) return undefined;
    const seats = row.seats ? String(row.seats).split(",").map(Number) : [];
    return { reservation: toReservation(row, seats), balance: row.balance === null ? 0 : Number(row.balance) };
  }

  async listByUser(userId: number, limit: number, beforeId?: number): Promise<Reservation[]> {
    const rows = await this.db.query<ReservationRow>(
      `SELECT ${COLUMNS} FROM reservations WHERE user_id = ?${beforeId ? " AND id < ?" : ""} ORDER BY id DESC LIMIT ?`,
      { replacements: beforeId ? [userId, beforeId, limit] : [userId, limit], type: QueryTypes.SELECT },
    );
    return this.withSeats(rows);
  }

  async markReleased(tx: Transaction, r: Reservation, status: "CANCELLED" | "EXPIRED", now: Date): Promise<void> {
    await this.db.query("UPDATE reservations SET status = ?, updated_at = ? WHERE id = ? AND status = 'HELD'", {
      replacements: [status, sqlTime(now), r.id],
      transaction: tx,
    });
  }

  async freeSeats(tx: Transaction, r: Reservation, status: "CANCELLED" | "EXPIRED", now: Date): Promise<void> {
    await this.db.query("UPDATE seats SET status = 'AVAILABLE', reservation_id = NULL WHERE reservation_id = ? AND status = 'HELD'", {
      replacements: [r.id],
      transaction: tx,
    });
    // NULL never collides in the unique key, so the seats can be held again.
    await this.db.query("UPDATE reservation_seats SET live = NULL WHERE reservation_id = ?", { replacements: [r.id], transaction: tx });
    if (r.waitingListEntryId) {
      await this.db.query("UPDATE waiting_list_entries SET state = ?, live = NULL, updated_at = ? WHERE id = ? AND state = 'OFFERED'", {
        replacements: [status === "CANCELLED" ? "DECLINED" : "OFFER_EXPIRED", sqlTime(now), r.waitingListEntryId],
        transaction: tx,
      });
    }
  }

  async retake(tx: Transaction, r: Reservation, now: Date): Promise<boolean> {
    if (r.status !== "EXPIRED") return r.status === "HELD";
    const guards = this.guards;
    const seats = r.seatNumbers;
    // The same guard as a new hold: only seats still AVAILABLE change, and all of them or none.
    const { affectedRows } = await run(
      tx,
      `UPDATE seats SET status = 'HELD', reservation_id = ?
       WHERE schedule_id = ? AND seat_number IN (${marks(seats.length)})${guards === "on" ? " AND status = 'AVAILABLE'" : ""}`,
      [r.id, r.scheduleId, ...seats],
    );
    if (Number(affectedRows) !== seats.length) return false;
    if (guards === "on") {
      try {
        // Backstop: the live-seat unique key refuses the re-take if another live hold has a seat.
        await run(tx, "UPDATE reservation_seats SET live = 1 WHERE reservation_id = ?", [r.id]);
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    }
    const { affectedRows: back } = await run(
      tx,
      "UPDATE reservations SET status = 'HELD', updated_at = ? WHERE id = ? AND status = 'EXPIRED'",
      [sqlTime(now), r.id],
    );
    return Number(back) === 1;
  }

  async confirm(tx: Transaction, r: Reservation, now: Date): Promise<void> {
    // Reservation CONFIRMED and its HELD seats SOLD in one multi-table statement (LEFT JOIN: the
    // reservation is confirmed even when no seat is HELD any more, as two statements did). No row
    // count is checked (the reservation is locked by the caller), so it is queued to go with COMMIT.
    await later(
      tx,
      `UPDATE reservations r LEFT JOIN seats s ON s.reservation_id = r.id AND s.status = 'HELD'
       SET r.status = 'CONFIRMED', r.updated_at = ?, s.status = 'SOLD' WHERE r.id = ?`,
      [sqlTime(now), r.id],
    );
    if (r.waitingListEntryId) {
      // A late payment of an expired offer counts as its purchase too.
      await later(
        tx,
        "UPDATE waiting_list_entries SET state = 'PURCHASED', live = NULL, updated_at = ? WHERE id = ? AND state IN ('OFFERED', 'OFFER_EXPIRED')",
        [sqlTime(now), r.waitingListEntryId],
      );
    }
  }

  async lockDueHolds(tx: Transaction, now: Date, limit: number): Promise<Reservation[]> {
    const rows = await this.db.query<ReservationRow>(
      `SELECT ${COLUMNS} FROM reservations WHERE status = 'HELD' AND held_until <= ?
       ORDER BY held_until, id LIMIT ? FOR UPDATE SKIP LOCKED`,
      { replacements: [sqlTime(now), limit], type: QueryTypes.SELECT, transaction: tx },
    );
    return this.withSeats(rows, tx);
  }

  private async withSeats(rows: ReservationRow[], tx?: Transaction): Promise<Reservation[]> {
    if (rows.length === 0) return [];
    const seats = await this.db.query<{ reservation_id: number; seat_number: number }>(
      "SELECT reservation_id, seat_number FROM reservation_seats WHERE reservation_id IN (?) ORDER BY seat_number",
      { replacements: [rows.map((r) => r.id)], type: QueryTypes.SELECT, transaction: tx },
    );
    const byId = new Map<number, number[]>();
    for (const s of seats) {
      const list = byId.get(Number(s.reservation_id)) ?? [];
      list.push(s.seat_number);
      byId.set(Number(s.reservation_id), list);
    }
    return rows.map((r) => toReservation(r, byId.get(Number(r.id)) ?? []));
  }
}
