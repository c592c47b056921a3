import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { RaceGuards } from "./race-guards.js";
import type { Reservation, ReservationStatus, SeatState, SeatStatus } from "./reservation.js";
import type { NewHold, ReservationRepository, ScheduleSeats } from "./reservation.repository.js";
import { seatsTaken } from "./reservation.errors.js";
import { isDuplicateKey } from "./transaction-runner.sequelize.js";
import { sqlTime } from "./sql-time.js";

interface ReservationRow {
  id: number;
  user_id: number;
  concert_id: number;
  schedule_id: number;
  total_price: number | string;
  status: ReservationStatus;
  held_until: Date;
  created_at: Date;
}

const COLUMNS = "id, user_id, concert_id, schedule_id, total_price, status, held_until, created_at";

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
});

export class SequelizeReservationRepository implements ReservationRepository {
  /** Seat layouts never change after AddSchedule, so they are memoised (bounded) per process. */
  private readonly layouts = new Map<number, ScheduleSeats>();

  constructor(private readonly db: Sequelize, private readonly maxLayouts = 200) {}

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

  async scheduleIdsOf(concertId: number): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>("SELECT id FROM schedules WHERE concert_id = ? ORDER BY id", {
      replacements: [concertId],
      type: QueryTypes.SELECT,
    });
    return rows.map((r) => Number(r.id));
  }

  async insertHold(tx: Transaction, h: NewHold, guards: RaceGuards = "on"): Promise<Reservation> {
    const seats = [...h.seatNumbers].sort((a, b) => a - b);
    if (guards === "off") {
      // Negative control: check-then-act with a plain read, as a naive implementation would.
      const [busy] = await this.db.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM seats WHERE schedule_id = ? AND seat_number IN (?) AND status <> 'AVAILABLE'",
        { replacements: [h.scheduleId, seats], type: QueryTypes.SELECT, transaction: tx },
      );
      if (Number(busy.n) > 0) throw seatsTaken([]);
    }
    // A fan's first booking creates their user row (the waiting room before it never touches MySQL).
    await this.db.query("INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", { replacements: [h.userId], transaction: tx });
    const [id] = await this.db.query(
      `INSERT INTO reservations (user_id, concert_id, schedule_id, total_price, status, held_until, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'HELD', ?, ?, ?)`,
      { replacements: [h.userId, h.concertId, h.scheduleId, h.totalPrice, sqlTime(h.heldUntil), sqlTime(h.now), sqlTime(h.now)], type: QueryTypes.INSERT, transaction: tx },
    );
    const reservationId = Number(id);
    // The conditional UPDATE is the guard: it locks the seats (via the unique index, in seat order)
    // and changes only those still AVAILABLE; fewer rows than asked means someone else has one.
    const [, changed] = await this.db.query(
      `UPDATE seats SET status = 'HELD', reservation_id = ?
       WHERE schedule_id = ? AND seat_number IN (?)${guards === "on" ? " AND status = 'AVAILABLE'" : ""}`,
      { replacements: [reservationId, h.scheduleId, seats], type: QueryTypes.UPDATE, transaction: tx },
    );
    if (Number(changed) !== seats.length && guards === "on") throw seatsTaken([]);
    try {
      // Backstop: the unique key (schedule_id, seat_number, live) admits one live row per seat.
      // With guards off, live = NULL disarms it for the negative control.
      await this.db.query(
        `INSERT INTO reservation_seats (reservation_id, schedule_id, seat_number, live) VALUES ${seats.map(() => "(?, ?, ?, ?)").join(", ")}`,
        {
          replacements: seats.flatMap((n) => [reservationId, h.scheduleId, n, guards === "on" ? 1 : null]),
          type: QueryTypes.INSERT,
          transaction: tx,
        },
      );
    } catch (e) {
      if (isDuplicateKey(e)) throw seatsTaken([]);
      throw e;
    }
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
    };
  }

  async seatStates(scheduleId: number, numbers?: number[]): Promise<SeatState[]> {
    const rows = await this.db.query<{ seat_number: number; status: SeatStatus; user_id: number | null; held_until: Date | null }>(
      `SELECT s.seat_number, s.status, r.user_id, r.held_until
       FROM seats s LEFT JOIN reservations r ON r.id = s.reservation_id AND s.status = 'HELD'
       WHERE s.schedule_id = ?${numbers ? " AND s.seat_number IN (?)" : ""} ORDER BY s.seat_number`,
      { replacements: numbers ? [scheduleId, numbers] : [scheduleId], type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      number: r.seat_number,
      status: r.status,
      holderId: r.user_id === null ? undefined : Number(r.user_id),
      heldUntil: r.held_until === null ? undefined : new Date(r.held_until),
    }));
  }

  async find(id: number): Promise<Reservation | undefined> {
    const [row] = await this.db.query<ReservationRow>(`SELECT ${COLUMNS} FROM reservations WHERE id = ?`, {
      replacements: [id],
      type: QueryTypes.SELECT,
    });
    return row ? (await this.withSeats([row]))[0] : undefined;
  }

  async lock(tx: Transaction, id: number, guards: RaceGuards = "on"): Promise<Reservation | undefined> {
    const [row] = await this.db.query<ReservationRow>(
      `SELECT ${COLUMNS} FROM reservations WHERE id = ?${guards === "on" ? " FOR UPDATE" : ""}`,
      { replacements: [id], type: QueryTypes.SELECT, transaction: tx },
    );
    return row ? (await this.withSeats([row], tx))[0] : undefined;
  }

  async listByUser(userId: number, limit: number, beforeId?: number): Promise<Reservation[]> {
    const rows = await this.db.query<ReservationRow>(
      `SELECT ${COLUMNS} FROM reservations WHERE user_id = ?${beforeId ? " AND id < ?" : ""} ORDER BY id DESC LIMIT ?`,
      { replacements: beforeId ? [userId, beforeId, limit] : [userId, limit], type: QueryTypes.SELECT },
    );
    return this.withSeats(rows);
  }

  async release(tx: Transaction, r: Reservation, status: "CANCELLED" | "EXPIRED", now: Date): Promise<void> {
    await this.db.query("UPDATE reservations SET status = ?, updated_at = ? WHERE id = ? AND status = 'HELD'", {
      replacements: [status, sqlTime(now), r.id],
      transaction: tx,
    });
    await this.db.query("UPDATE seats SET status = 'AVAILABLE', reservation_id = NULL WHERE reservation_id = ? AND status = 'HELD'", {
      replacements: [r.id],
      transaction: tx,
    });
    // NULL never collides in the unique key, so the seats can be held again.
    await this.db.query("UPDATE reservation_seats SET live = NULL WHERE reservation_id = ?", { replacements: [r.id], transaction: tx });
  }

  async confirm(tx: Transaction, r: Reservation, now: Date): Promise<void> {
    await this.db.query("UPDATE reservations SET status = 'CONFIRMED', updated_at = ? WHERE id = ?", {
      replacements: [sqlTime(now), r.id],
      transaction: tx,
    });
    await this.db.query("UPDATE seats SET status = 'SOLD' WHERE reservation_id = ? AND status = 'HELD'", {
      replacements: [r.id],
      transaction: tx,
    });
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
