import type { Logger } from "../shared/logger.js";
import type { AdmitFans } from "./admit-fans.js";
import { EntryState } from "./entry-state.js";
import { tokenExpired, type EndReason, type QueueEventSink } from "./queue-events.js";
import type { QueueStore } from "./queue.store.js";

/**
 * Ends an entry (fan leaving, operator removing, payment done) and hands a freed active slot to the
 * next in line at once. Returns false when there was no such entry.
 */
export class EndEntry {
  constructor(
    private readonly store: QueueStore,
    private readonly events: QueueEventSink,
    private readonly admit: AdmitFans,
    private readonly logger: Logger,
  ) {}

  async execute(concertId: number, userId: number, reason: EndReason, entryId?: number): Promise<boolean> {
    const was = await this.store.leave(concertId, userId, entryId);
    if (was === undefined) return false;
    // An active slot that had already run out ended by its TTL, whatever the caller meant to do.
    this.events.publish([tokenExpired(concertId, userId, was === EntryState.Expired ? "ttl" : reason)]);
    if (was !== EntryState.Waiting) await this.admit.soon(concertId, this.logger);
    return true;
  }
}
