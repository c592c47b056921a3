import { QueryTypes, type Sequelize } from "sequelize";
import type { ConcertLookup, ReservationConcerts } from "./concert-lookup.js";

/** A bounded memo: the mapped values never change (schedules and reservations never move concerts). */
class Memo {
  private readonly map = new Map<number, number>();
  constructor(private readonly max = 50_000) {}
  get(k: number) {
    return this.map.get(k);
  }
  set(k: number, v: number) {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as number);
    this.map.set(k, v);
  }
}

/**
 * Reads the catalogue tables directly (ids only). Only hits are remembered: a row that does not
 * exist yet may be created a moment later.
 */
export class SequelizeConcertLookup implements ConcertLookup, ReservationConcerts {
  private readonly concerts = new Memo();
  private readonly schedules = new Memo();
  private readonly reservations = new Memo();

  constructor(private readonly db: Sequelize) {}

  private async one(memo: Memo, sql: string, id: number): Promise<number | undefined> {
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    if (!(id > 0)) return undefined;
    const rows = await this.db.query<{ concert_id: number | string }>(sql, { replacements: [id], type: QueryTypes.SELECT });
    if (rows.length === 0) return undefined;
    const concertId = Number(rows[0].concert_id);
    memo.set(id, concertId);
    return concertId;
  }

  async concertExists(concertId: number): Promise<boolean> {
    return (await this.one(this.concerts, "SELECT id AS concert_id FROM concerts WHERE id = ?", concertId)) !== undefined;
  }

  /** The opening as MySQL has it (read only when Redis lost its copy; never per fan). */
  async openingOf(concertId: number): Promise<{ atMs: number; seed: string; commitment: string }> {
    const rows = await this.db.query<{ sales_open_at: Date | string | null; draw_seed: string | null; fairness_commitment: string | null }>(
      "SELECT sales_open_at, draw_seed, fairness_commitment FROM concerts WHERE id = ?",
      { replacements: [concertId], type: QueryTypes.SELECT },
    );
    const r = rows[0];
    return {
      atMs: r?.sales_open_at ? new Date(r.sales_open_at).getTime() : 0,
      seed: r?.draw_seed ?? "",
      commitment: r?.fairness_commitment ?? "",
    };
  }

  concertOfSchedule(scheduleId: number): Promise<number | undefined> {
    return this.one(this.schedules, "SELECT concert_id FROM schedules WHERE id = ?", scheduleId);
  }

  concertOfReservation(reservationId: number): Promise<number | undefined> {
    return this.one(this.reservations, "SELECT concert_id FROM reservations WHERE id = ?", reservationId);
  }

  /** A committed hold: its Pay (usually on this process) then needs no SELECT for the token check. */
  remember(reservationId: number, concertId: number): void {
    this.reservations.set(reservationId, concertId);
  }
}
