import { concertNotFound } from "../concert/concert.errors.js";
import type { ConcertLookup } from "./concert-lookup.js";
import { ticketOf, type Ticket, type TicketPolicy } from "./queue-ticket.js";
import { tokenActivated, tokenExpired, tokenIssued, type QueueEventSink } from "./queue-events.js";
import { admissionEvents } from "./admit-fans.js";
import { EntryState } from "./entry-state.js";
import type { PaceAdmission } from "./pace-admission.js";

/** How often a process re-reads the seats of a sold-out concert on IssueToken. */
const SOLD_OUT_RECHECK_MS = 5_000;
import type { QueueTokenSigner } from "./queue-token.js";
import type { QueueStore } from "./queue.store.js";

/**
 * Enters the caller into a concert's line. Idempotent per (user, concert): while the entry lives,
 * the same entry (same token, same place) comes back; after it ended, a new place at the back.
 * One Redis round trip (enter.lua enters, admits into free slots and reports the ticket) and no
 * MySQL: concert existence comes from a cache, and the user row waits for the first booking or charge.
 */
export class IssueToken {
  constructor(
    private readonly store: QueueStore,
    private readonly concerts: ConcertLookup,
    private readonly signer: QueueTokenSigner,
    private readonly events: QueueEventSink,
    private readonly policy: TicketPolicy,
    private readonly pace?: PaceAdmission,
  ) {}

  /** When this process last looked whether a sold-out concert has seats again (per concert). */
  private readonly soldOutChecked = new Map<number, number>();

  async execute(concertId: number, userId: number): Promise<Ticket> {
    if (!(await this.concerts.concertExists(concertId))) throw concertNotFound(concertId);
    let e = await this.store.enter(concertId, userId);
    if (e.status.state === EntryState.SoldOut && this.pace && this.mayRecheck(concertId)) {
      // A sold-out line is no longer visited by the ticker; a new date (AddSchedule) would leave it
      // closed for good. So IssueToken looks again, at most every few seconds per concert and process.
      const p = await this.pace.execute(concertId);
      if (!p.stats.soldOut) e = await this.store.enter(concertId, userId);
    }
    // A draw that was due ran first (inside enter): its events are sent from here.
    const events = e.steps.flatMap((r) => admissionEvents(concertId, r));
    if (e.endedByTtl) events.push(tokenExpired(concertId, userId, "ttl"));
    if (e.isNew) events.push(tokenIssued(concertId, userId, e.positionAtEntry));
    for (const a of e.admitted) events.push(tokenActivated(concertId, a.userId, a.expiresAtMs));
    this.events.publish(events);
    // A SOLD_OUT answer holds no place: its token names no entry that could ever be admitted.
    const token = this.signer.sign({ concertId, userId, entryId: e.entryId });
    return ticketOf(token, concertId, e.status, this.policy);
  }

  private mayRecheck(concertId: number): boolean {
    const now = Date.now();
    if (now - (this.soldOutChecked.get(concertId) ?? 0) < SOLD_OUT_RECHECK_MS) return false;
    if (this.soldOutChecked.size > 10_000) this.soldOutChecked.clear();
    this.soldOutChecked.set(concertId, now);
    return true;
  }
}
