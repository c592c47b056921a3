import type { Concert, GradeSeats, Schedule, Seat } from "./concert.js";

export interface ConcertFields {
  title: string;
  artist: string;
  venue: string;
  description: string;
  /** null clears it. */
  salesOpenAt?: Date | null;
  /** Set together with the first salesOpenAt and never changed after (the commitment is public). */
  drawSeed?: string;
  fairnessCommitment?: string;
}

/** A concert's opening and its draw's secret (never shown before the draw). */
export interface ConcertDraw {
  salesOpenAt?: Date;
  seed?: string;
  commitment?: string;
}

export interface NewSchedule {
  concertId: number;
  date: string;
  startsAt: Date;
  grades: GradeSeats[];
}

/** Port: the catalogue's store of record. */
export interface ConcertRepository {
  list(limit: number, beforeId?: number): Promise<Concert[]>;
  get(id: number): Promise<Concert | undefined>;
  create(fields: ConcertFields): Promise<Concert>;
  drawOf(id: number): Promise<ConcertDraw | undefined>;
  /** Returns undefined when the concert does not exist. */
  update(id: number, fields: Partial<ConcertFields>): Promise<Concert | undefined>;
  /** Creates the schedule and its seats, numbered 1..N across grades in order, in one transaction. */
  addSchedule(s: NewSchedule): Promise<Schedule>;
  listSchedules(concertId: number): Promise<Schedule[]>;
  getSchedule(id: number): Promise<Schedule | undefined>;
  listSeats(scheduleId: number): Promise<Seat[]>;
}
