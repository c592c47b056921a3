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
  /** Set when the server made this hold as a waiting-list offer (the entry it answers). */
  waitingListEntryId?: number;
}

export const MAX_SEATS_PER_HOLD = 4;
