import { ticketOf, type Ticket, type TicketPolicy } from "./queue-ticket.js";
import type { QueueTokenClaims } from "./queue-token.js";
import type { QueueStore } from "./queue.store.js";

/** The ticket of a (verified) token: WAITING with its place, ACTIVE with its end, or EXPIRED. */
export class GetQueueStatus {
  constructor(private readonly store: QueueStore, private readonly policy: TicketPolicy) {}

  async execute(token: string, c: QueueTokenClaims): Promise<Ticket> {
    const s = await this.store.status(c.concertId, c.userId, c.entryId);
    return ticketOf(token, c.concertId, s, this.policy);
  }
}
