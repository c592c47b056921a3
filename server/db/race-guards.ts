/**
 * Test-only switch for negative controls. With `off`, the SQL adapters skip their concurrency guards
 * (conditional updates, row locks, the live-seat unique key, atomic balance statements) so a test can
 * show the race they otherwise prevent. Only tests pass it, as an adapter constructor option: no port,
 * use case, environment variable or RPC can reach it, and production wiring never sets it.
 */
export type RaceGuards = "on" | "off";

export interface RaceGuardOptions {
  /** Test only (see above). */
  raceGuards?: RaceGuards;
}
