/** Reservation entities, free of any framework. */
export type ReservationStatus = "HELD" | "CONFIRMED" | "CANCELLED" | "EXPIRED";

export interface Reservation {
  id: number;
  userId: number;
  concertId: number;
  scheduleId: number;
  /** Ascending. */
  seatNumbers: number[];
  totalPrice: number;
  status: ReservationStatus;
  heldUntil: Date;
  createdAt: Date;
}

export type SeatStatus = "AVAILABLE" | "HELD" | "SOLD";

/** A seat as the database sees it, with the holder of a live hold (for repairing Redis). */
export interface SeatState {
  number: number;
  status: SeatStatus;
  holderId?: number;
  heldUntil?: Date;
}

export const MAX_SEATS_PER_HOLD = 4;
