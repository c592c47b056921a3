import { QueryTypes, type Sequelize } from "sequelize";
import type { SeatState, SeatStatus } from "./seat.js";
import type { SeatStateSource } from "./seat-state.source.js";

/** The database's view of seats (the final word), read to bring Redis in step. */
export class SequelizeSeatStates implements SeatStateSource {
  constructor(private readonly db: Sequelize) {}

  async scheduleIdsOf(concertId: number): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>("SELECT id FROM schedules WHERE concert_id = ? ORDER BY id", {
      replacements: [concertId],
      type: QueryTypes.SELECT,
    });
    return rows.map((r) => Number(r.id));
  }

  async scheduleExists(scheduleId: number): Promise<boolean> {
    const rows = await this.db.query("SELECT 1 FROM schedules WHERE id = ?", { replacements: [scheduleId], type: QueryTypes.SELECT });
    return rows.length > 0;
  }

  async scheduleIdsToCheck(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.db.query<{ id: number }>(
      "SELECT id FROM schedules WHERE id > ? AND starts_at > NOW(3) - INTERVAL 1 DAY ORDER BY id LIMIT ?",
      { replacements: [afterId, limit], type: QueryTypes.SELECT },
    );
    return rows.map((r) => Number(r.id));
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
}
