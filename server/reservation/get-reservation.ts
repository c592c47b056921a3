import type { Reservation } from "./reservation.js";
import { notOwner, reservationNotFound } from "./reservation.errors.js";
import type { ReservationRepository } from "./reservation.repository.js";

/** One reservation, to its owner only. */
export class GetReservation {
  constructor(private readonly reservations: ReservationRepository) {}

  async execute(input: { userId: number; reservationId: number }): Promise<Reservation> {
    const r = input.reservationId > 0 ? await this.reservations.find(input.reservationId) : undefined;
    if (!r) throw reservationNotFound(input.reservationId);
    if (r.userId !== input.userId) throw notOwner(input.reservationId);
    return r;
  }
}
