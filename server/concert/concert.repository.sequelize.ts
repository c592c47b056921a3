import { Op, QueryTypes, type Sequelize } from "sequelize";
import type { Concert, Schedule, Seat } from "./concert.js";
import type { ConcertDraw, ConcertFields, ConcertRepository, NewSchedule } from "./concert.repository.js";
import { defineCatalogueModels, type CatalogueModels, type ConcertRow, type SeatRow } from "./concert.model.js";

const toConcert = (r: ConcertRow): Concert => ({
  id: Number(r.id),
  title: r.title,
  artist: r.artist,
  venue: r.venue,
  description: r.description,
  salesOpenAt: r.salesOpenAt ? new Date(r.salesOpenAt) : undefined,
  fairnessCommitment: r.fairnessCommitment ?? "",
});

const toSeat = (r: SeatRow): Seat => ({
  id: Number(r.id),
  scheduleId: Number(r.scheduleId),
  number: r.seatNumber,
  grade: r.grade,
  price: Number(r.price),
  status: r.status,
});

interface ScheduleQueryRow {
  id: number;
  concert_id: number;
  show_date: string | Date;
  starts_at: Date;
  total_seats: number;
  available_seats: number | string;
}

const toSchedule = (r: ScheduleQueryRow): Schedule => ({
  id: Number(r.id),
  concertId: Number(r.concert_id),
  date: typeof r.show_date === "string" ? r.show_date.slice(0, 10) : r.show_date.toISOString().slice(0, 10),
  startsAt: new Date(r.starts_at),
  totalSeats: Number(r.total_seats),
  availableSeats: Number(r.available_seats),
});

const SCHEDULE_SELECT = `SELECT s.id, s.concert_id, DATE_FORMAT(s.show_date, '%Y-%m-%d') AS show_date, s.starts_at, s.total_seats,
  (SELECT COUNT(*) FROM seats t WHERE t.schedule_id = s.id AND t.status = 'AVAILABLE') AS available_seats
  FROM schedules s`;

export class SequelizeConcertRepository implements ConcertRepository {
  private readonly m: CatalogueModels;
  constructor(private readonly db: Sequelize) {
    this.m = defineCatalogueModels(db);
  }

  async list(limit: number, beforeId?: number): Promise<Concert[]> {
    const rows = await this.m.Concert.findAll({
      where: beforeId ? { id: { [Op.lt]: beforeId } } : {},
      order: [["id", "DESC"]],
      limit,
    });
    return rows.map(toConcert);
  }

  async get(id: number): Promise<Concert | undefined> {
    const row = await this.m.Concert.findByPk(id);
    return row ? toConcert(row) : undefined;
  }

  async create(fields: ConcertFields): Promise<Concert> {
    const now = new Date();
    const row = await this.m.Concert.create({ ...fields, createdAt: now, updatedAt: now });
    return toConcert(row);
  }

  async drawOf(id: number): Promise<ConcertDraw | undefined> {
    const row = await this.m.Concert.findByPk(id, { attributes: ["id", "salesOpenAt", "drawSeed", "fairnessCommitment"] });
    if (!row) return undefined;
    return {
      salesOpenAt: row.salesOpenAt ? new Date(row.salesOpenAt) : undefined,
      seed: row.drawSeed ?? undefined,
      commitment: row.fairnessCommitment ?? undefined,
    };
  }

  async update(id: number, fields: Partial<ConcertFields>): Promise<Concert | undefined> {
    return this.db.transaction(async (transaction) => {
      const row = await this.m.Concert.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!row) return undefined;
      await row.update({ ...fields, updatedAt: new Date() }, { transaction });
      return toConcert(row);
    });
  }

  async addSchedule(s: NewSchedule): Promise<Schedule> {
    const total = s.grades.reduce((n, g) => n + g.count, 0);
    const id = await this.db.transaction(async (transaction) => {
      const row = await this.m.Schedule.create(
        { concertId: s.concertId, showDate: s.date, startsAt: s.startsAt, totalSeats: total, createdAt: new Date() },
        { transaction },
      );
      const seats: Array<{ scheduleId: number; seatNumber: number; grade: string; price: number }> = [];
      let n = 0;
      for (const g of s.grades) {
        for (let i = 0; i < g.count; i++) seats.push({ scheduleId: row.id, seatNumber: ++n, grade: g.grade, price: g.price });
      }
      for (let i = 0; i < seats.length; i += 1000) {
        await this.m.Seat.bulkCreate(seats.slice(i, i + 1000), { transaction });
      }
      return row.id;
    });
    return (await this.getSchedule(Number(id)))!;
  }

  async listSchedules(concertId: number): Promise<Schedule[]> {
    const rows = await this.db.query<ScheduleQueryRow>(`${SCHEDULE_SELECT} WHERE s.concert_id = ? ORDER BY s.starts_at, s.id`, {
      replacements: [concertId],
      type: QueryTypes.SELECT,
    });
    return rows.map(toSchedule);
  }

  async getSchedule(id: number): Promise<Schedule | undefined> {
    const rows = await this.db.query<ScheduleQueryRow>(`${SCHEDULE_SELECT} WHERE s.id = ?`, {
      replacements: [id],
      type: QueryTypes.SELECT,
    });
    return rows[0] ? toSchedule(rows[0]) : undefined;
  }

  async listSeats(scheduleId: number): Promise<Seat[]> {
    const rows = await this.m.Seat.findAll({ where: { scheduleId }, order: [["seatNumber", "ASC"]] });
    return rows.map(toSeat);
  }
}
