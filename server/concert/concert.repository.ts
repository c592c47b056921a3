import type { Concert, GradeSeats, Schedule, Seat } from "./concert.js";

export interface ConcertFields {
  title: string;
  artist: string;
  venue: string;
  description: string;
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
  /** Returns undefined when the concert does not exist. */
  update(id: number, fields: Partial<ConcertFields>): Promise<Concert | undefined>;
  /** Creates the schedule and its seats, numbered 1..N across grades in order, in one transaction. */
  addSchedule(s: NewSchedule): Promise<Schedule>;
  listSchedules(concertId: number): Promise<Schedule[]>;
  getSchedule(id: number): Promise<Schedule | undefined>;
  listSeats(scheduleId: number): Promise<Seat[]>;
}
