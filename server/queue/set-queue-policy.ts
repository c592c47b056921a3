import { concertNotFound } from "../concert/concert.errors.js";
import type { Logger } from "../shared/logger.js";
import type { AdmitFans } from "./admit-fans.js";
import type { ConcertLookup } from "./concert-lookup.js";
import type { QueueStore } from "./queue.store.js";

/**
 * Sets max_active. Raising it admits at once; lowering it never evicts anyone: the active finish
 * their slot and admission resumes once ACTIVE is below the new limit. 0 pauses admission.
 */
export class SetQueuePolicy {
  constructor(
    private readonly store: QueueStore,
    private readonly concerts: ConcertLookup,
    private readonly admit: AdmitFans,
    private readonly logger: Logger,
  ) {}

  async execute(concertId: number, maxActive: number): Promise<number> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    await this.store.setMaxActive(concertId, maxActive);
    await this.store.markQueued(concertId);
    await this.admit.soon(concertId, this.logger);
    return maxActive;
  }
}
