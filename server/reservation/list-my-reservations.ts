import { decodePageToken, encodePageToken, pageSizeOf } from "../shared/page-token.js";
import type { Reservation } from "./reservation.js";
import type { ReservationRepository } from "./reservation.repository.js";

/** The caller's reservations, newest first, in keyset pages. */
export class ListMyReservations {
  constructor(private readonly reservations: ReservationRepository) {}

  async execute(input: { userId: number; pageSize: number; pageToken: string }): Promise<{ reservations: Reservation[]; nextPageToken: string }> {
    const size = pageSizeOf(input.pageSize);
    const rows = await this.reservations.listByUser(input.userId, size + 1, decodePageToken(input.pageToken));
    const page = rows.slice(0, size);
    return { reservations: page, nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "" };
  }
}
