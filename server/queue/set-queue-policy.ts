import { concertNotFound } from "../concert/concert.errors.js";
import type { Logger } from "../shared/logger.js";
import type { AdmitFans } from "./admit-fans.js";
import type { ConcertLookup } from "./concert-lookup.js";
import type { QueuePolicyRepository } from "./queue-policy.repository.js";
import type { QueueStore } from "./queue.store.js";
import type { PaceAdmission } from "./pace-admission.js";

/**
 * Sets max_active. Raising it admits at once; lowering it never evicts anyone: the active finish
 * their slot and admission resumes once ACTIVE is below the new limit. 0 pauses admission.
 * MySQL first: it is the source of truth Redis is restored from after a flush (SPEC 7.2).
 */
export class SetQueuePolicy {
  constructor(
    private readonly store: QueueStore,
    private readonly concerts: ConcertLookup,
    private readonly admit: AdmitFans,
    private readonly logger: Logger,
    private readonly policies: QueuePolicyRepository,
    private readonly pace?: PaceAdmission,
  ) {}

  /** auto: ADMISSION_MODE_AUTO, slots sized from the free seats by the admission ticker, never above maxActive. */
  async execute(concertId: number, maxActive: number, auto = false): Promise<number> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    await this.policies.save(concertId, { maxActive, mode: auto ? "auto" : "manual", paused: maxActive === 0 });
    await this.store.setMaxActive(concertId, maxActive, auto);
    // AUTO's slots are sized before anyone new is admitted on the new policy.
    await this.pace?.execute(concertId);
    await this.store.markQueued(concertId);
    await this.admit.soon(concertId, this.logger);
    return maxActive;
  }
}
