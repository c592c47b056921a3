/** The draw's secret and its public commitment (SPEC 7.3). */
export interface DrawSecret {
  /** 32 random bytes, 64 lowercase hex characters. */
  seed: string;
  /** Lowercase hex SHA-256 of the seed bytes. */
  commitment: string;
}

/**
 * Port: the waiting room's copy of a concert's opening (implemented by the queue module). The
 * catalogue calls it before writing MySQL, so a change the waiting room refuses is never recorded.
 */
export interface SalesOpenings {
  /**
   * Moves the opening to atMs (null: open now). Refused with a DomainError once the opening has
   * passed (the draw ran or is due). The first secret given for a concert wins: the one in force is returned.
   */
  schedule(concertId: number, atMs: number | null, secret: DrawSecret): Promise<DrawSecret>;
}
