/** A concert's seats over all its dates, by state. */
export interface Inventory {
  free: number;
  held: number;
  sold: number;
}

/**
 * Port: the seat inventory the waiting room paces admission by (implemented by the seats module from
 * its Redis tallies, which the seat scripts keep in step atomically). Never MySQL per call: the
 * concert's dates are cached, and a date whose Redis copy is missing is reloaded once.
 */
export interface SeatInventory {
  ofConcert(concertId: number): Promise<Inventory>;
  /** The concert's dates changed (AddSchedule): forget the cached list. */
  forget(concertId: number): void;
}

export const totalOf = (i: Inventory) => i.free + i.held + i.sold;
