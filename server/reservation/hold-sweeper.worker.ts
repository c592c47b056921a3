import type { Worker } from "../app/module.js";
import type { Logger } from "../shared/logger.js";
import { Ticker } from "../shared/ticker.js";
import type { ReleaseExpiredHolds } from "./release-expired-holds.js";

/**
 * Runs ReleaseExpiredHolds every `intervalMs` (1 s by default, so a hold is released well within
 * 5 s of held_until). One sweep at a time per process; stop() waits for the one in flight.
 */
export function createHoldSweeper(release: ReleaseExpiredHolds, logger: Logger, intervalMs = 1000): Worker {
  const tick = async () => {
    try {
      const n = await release.execute(new Date());
      if (n > 0) logger.info({ released: n }, "expired holds released");
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "hold sweep failed; retrying next tick");
    }
  };
  // Catch up at once after a restart, then keep the rhythm.
  const ticker = new Ticker(tick, intervalMs, true);
  return { name: "hold-sweeper", start: () => ticker.start(), stop: () => ticker.stop() };
}
