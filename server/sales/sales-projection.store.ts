import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { SalesDelta } from "./sales-delta.js";

/** One consumed event, already decoded. delta is null for events that change no count. */
export interface ProjectedEvent {
  eventId: string;
  eventType: string;
  delta: SalesDelta | null;
}

export interface ScheduleSalesRow {
  scheduleId: number;
  held: number;
  sold: number;
  revenue: number;
}

export interface ConcertSales {
  schedules: ScheduleSalesRow[];
  held: number;
  sold: number;
  revenue: number;
}

/** processed_events.consumer of this projection: all its consumer groups share one dedupe record. */
export const SALES_PROJECTION = "sales-projection";

/** The projection's tables: dedupe record and counters, always written in one transaction. */
export class SequelizeSalesProjectionStore {
  constructor(
    private readonly db: Sequelize,
    /** Test only: "off" skips the dedupe record, to show the double counting it prevents. */
    private readonly dedupe: "on" | "off" = "on",
  ) {}

  /**
   * Applies events in one transaction. An event id already in processed_events changes nothing, so a
   * redelivered batch (relay resend, consumer restart before committing offsets) is harmless. Returns
   * how many events were new.
   */
  async apply(events: ProjectedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      let fresh = 0;
      for (const e of events) {
        if (!(await this.firstTime(tx, e))) continue;
        fresh++;
        if (e.delta) await this.add(tx, e.delta);
      }
      return fresh;
    });
  }

  /** Records the event id; false when it was recorded before (by this or a concurrent transaction). */
  private async firstTime(tx: Transaction, e: ProjectedEvent): Promise<boolean> {
    if (this.dedupe === "off") return true;
    const [, affected] = await this.db.query(
      "INSERT IGNORE INTO processed_events (consumer, event_id, event_type, processed_at) VALUES (?, ?, ?, NOW(3))",
      { replacements: [SALES_PROJECTION, e.eventId, e.eventType], type: QueryTypes.INSERT, transaction: tx },
    );
    return Number(affected) === 1;
  }

  private async add(tx: Transaction, d: SalesDelta): Promise<void> {
    await this.db.query(
      `INSERT INTO sales_schedule_stats (schedule_id, concert_id, held, sold, revenue, updated_at) VALUES (?, ?, ?, ?, ?, NOW(3))
       ON DUPLICATE KEY UPDATE held = held + VALUES(held), sold = sold + VALUES(sold), revenue = revenue + VALUES(revenue), updated_at = NOW(3)`,
      { replacements: [d.scheduleId, d.concertId, d.held, d.sold, d.revenue], transaction: tx },
    );
    await this.db.query(
      `INSERT INTO sales_concert_stats (concert_id, held, sold, revenue, updated_at) VALUES (?, ?, ?, ?, NOW(3))
       ON DUPLICATE KEY UPDATE held = held + VALUES(held), sold = sold + VALUES(sold), revenue = revenue + VALUES(revenue), updated_at = NOW(3)`,
      { replacements: [d.concertId, d.held, d.sold, d.revenue], transaction: tx },
    );
  }

  /** The concert's counts per schedule (every schedule of the concert, zeros before any event) and in total; undefined for an unknown concert. */
  async salesOf(concertId: number): Promise<ConcertSales | undefined> {
    const concert = await this.db.query<{ held: number | string | null; sold: number | string | null; revenue: number | string | null }>(
      `SELECT s.held, s.sold, s.revenue FROM concerts c LEFT JOIN sales_concert_stats s ON s.concert_id = c.id WHERE c.id = ?`,
      { replacements: [concertId], type: QueryTypes.SELECT },
    );
    if (concert.length === 0) return undefined;
    const rows = await this.db.query<{ schedule_id: number | string; held: number | string | null; sold: number | string | null; revenue: number | string | null }>(
      `SELECT sc.id AS schedule_id, st.held, st.sold, st.revenue
       FROM schedules sc LEFT JOIN sales_schedule_stats st ON st.schedule_id = sc.id
       WHERE sc.concert_id = ? ORDER BY sc.starts_at, sc.id`,
      { replacements: [concertId], type: QueryTypes.SELECT },
    );
    const c = concert[0]!;
    return {
      schedules: rows.map((r) => ({ scheduleId: Number(r.schedule_id), held: Number(r.held ?? 0), sold: Number(r.sold ?? 0), revenue: Number(r.revenue ?? 0) })),
      held: Number(c.held ?? 0),
      sold: Number(c.sold ?? 0),
      revenue: Number(c.revenue ?? 0),
    };
  }
}
