/** Port: which concert a request concerns, for the queue-token check. Undefined = no such row. */
export interface ConcertLookup {
  concertExists(concertId: number): Promise<boolean>;
  concertOfSchedule(scheduleId: number): Promise<number | undefined>;
  concertOfReservation(reservationId: number): Promise<number | undefined>;
}
