/**
 * Test-only switch for negative controls. With `off`, holds, payments and charges skip their
 * concurrency guards (Redis gate, conditional updates, row locks, the live-seat unique key, atomic
 * balance statements) so a test can show the race it otherwise prevents. Only reachable through
 * constructor options: no environment variable or RPC can turn it off in production.
 */
export type RaceGuards = "on" | "off";
