import { DomainError } from "../shared/domain-error.js";
import { MAX_SEATS_PER_SCHEDULE, seoulDateOf, type GradeSeats, type Schedule } from "./concert.js";
import { concertNotFound } from "./concert.errors.js";
import type { ConcertRepository } from "./concert.repository.js";

export class AddSchedule {
  constructor(private readonly concerts: ConcertRepository, private readonly onChange: (id: number) => Promise<void>) {}

  async execute(input: { concertId: number; date: string; startsAt: Date; grades: GradeSeats[] }): Promise<Schedule> {
    if (Number.isNaN(new Date(`${input.date}T00:00:00Z`).getTime()) || new Date(`${input.date}T00:00:00Z`).toISOString().slice(0, 10) !== input.date) {
      throw new DomainError("VALIDATION_FAILED", `invalid request: date: ${input.date} is not a calendar date (YYYY-MM-DD)`);
    }
    if (seoulDateOf(input.startsAt) !== input.date) {
      throw new DomainError(
        "VALIDATION_FAILED",
        `invalid request: starts_at: falls on ${seoulDateOf(input.startsAt)} in Asia/Seoul, not on date ${input.date}`,
      );
    }
    const names = new Set(input.grades.map((g) => g.grade));
    if (names.size !== input.grades.length) {
      throw new DomainError("VALIDATION_FAILED", "invalid request: grades: each grade may appear once");
    }
    const total = input.grades.reduce((n, g) => n + g.count, 0);
    if (total > MAX_SEATS_PER_SCHEDULE) {
      throw new DomainError("VALIDATION_FAILED", `invalid request: grades: at most ${MAX_SEATS_PER_SCHEDULE} seats per schedule, got ${total}`);
    }
    if (!(await this.concerts.get(input.concertId))) throw concertNotFound(input.concertId);
    const schedule = await this.concerts.addSchedule(input);
    await this.onChange(input.concertId);
    return schedule;
  }
}
