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

export const MAX_SEATS_PER_HOLD = 4;
