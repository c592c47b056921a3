/** Port: which concert a request concerns, for the queue-token check. Undefined = no such row. */
export interface ConcertLookup {
  concertExists(concertId: number): Promise<boolean>;
  concertOfSchedule(scheduleId: number): Promise<number | undefined>;
  concertOfReservation(reservationId: number): Promise<number | undefined>;
}

/**
 * Port the reservation module tells of each hold it commits, so Pay's token check finds the
 * reservation's concert without a MySQL read (a reservation never moves concerts).
 */
export interface ReservationConcerts {
  remember(reservationId: number, concertId: number): void;
}
