/** Catalogue entities, free of any framework. */
export interface Concert {
  id: number;
  title: string;
  artist: string;
  venue: string;
  description: string;
  /** When sales open (SPEC 7.3); undefined = open now. */
  salesOpenAt?: Date;
  /** Lowercase hex SHA-256 of the draw seed, fixed when an opening was first set; "" when never. */
  fairnessCommitment: string;
}

export interface Schedule {
  id: number;
  concertId: number;
  /** "YYYY-MM-DD" in Asia/Seoul. */
  date: string;
  startsAt: Date;
  totalSeats: number;
  availableSeats: number;
}

import type { SeatStatus } from "../seats/seat.js";

export type { SeatStatus };

export interface Seat {
  id: number;
  scheduleId: number;
  number: number;
  grade: string;
  price: number;
  status: SeatStatus;
}

export interface GradeSeats {
  grade: string;
  count: number;
  price: number;
}

export const MAX_SEATS_PER_SCHEDULE = 50_000;

/** The calendar date of an instant in Asia/Seoul (UTC+9, no daylight saving). */
export function seoulDateOf(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
