import { concertNotFound } from "../concert/concert.errors.js";
import type { Logger } from "../shared/logger.js";
import type { AdmitFans } from "./admit-fans.js";
import type { ConcertLookup } from "./concert-lookup.js";
import { EntryState } from "./entry-state.js";
import { ticketOf, type Ticket } from "./queue-ticket.js";
import { tokenExpired, tokenIssued, type QueueEventSink } from "./queue-events.js";
import type { QueueTokenSigner } from "./queue-token.js";
import type { QueueStore } from "./queue.store.js";

/**
 * Enters the caller into a concert's line. Idempotent per (user, concert): while the entry lives,
 * the same entry (same token, same place) comes back; after it ended, a new place at the back.
 */
export class IssueToken {
  constructor(
    private readonly store: QueueStore,
    private readonly concerts: ConcertLookup,
    private readonly signer: QueueTokenSigner,
    private readonly events: QueueEventSink,
    private readonly admit: AdmitFans,
    private readonly activeTtlSeconds: number,
    private readonly logger: Logger,
  ) {}

  async execute(concertId: number, userId: number): Promise<Ticket> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    const e = await this.store.enter(concertId, userId);
    await this.store.markQueued(concertId);
    const events = [];
    if (e.endedByTtl) events.push(tokenExpired(concertId, userId, "ttl"));
    if (e.isNew) events.push(tokenIssued(concertId, userId, e.position));
    this.events.publish(events);
    const token = this.signer.sign({ concertId, userId, entryId: e.entryId });
    // With room to spare a newcomer is admitted at once instead of at the next tick.
    if (e.state === EntryState.Waiting) await this.admit.soon(concertId, this.logger);
    const status = await this.store.status(concertId, userId, e.entryId);
    return ticketOf(token, concertId, status, this.store.rateWindowMs, this.activeTtlSeconds);
  }
}
