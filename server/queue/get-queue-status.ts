import { ticketOf, type Ticket, type TicketPolicy } from "./queue-ticket.js";
import type { QueueTokenClaims } from "./queue-token.js";
import type { EntryStatus, QueueStore } from "./queue.store.js";

/** The ticket of a (verified) token: WAITING with its place, ACTIVE with its end, or EXPIRED. */
export class GetQueueStatus {
  constructor(private readonly store: QueueStore, private readonly policy: TicketPolicy) {}

  /**
   * `read`: the state the queue-token check already read for this request (one status.lua run per
   * call, not two: issue 11); without it, the state is read here.
   */
  async execute(token: string, c: QueueTokenClaims, read?: EntryStatus): Promise<Ticket> {
    const s = read ?? (await this.store.status(c.concertId, c.userId, c.entryId));
    return ticketOf(token, c.concertId, s, this.policy);
  }
}
