import type { PollHint } from "./poll-hint.js";
import { EntryState } from "./entry-state.js";
import type { EntryStatus } from "./queue.store.js";

/** A fan's ticket as the API shows it (QueueTicket). */
export interface Ticket {
  token: string;
  concertId: number;
  state: EntryState.Waiting | EntryState.Active | EntryState.Expired;
  position: number;
  estimatedWaitSeconds: number;
  expiresAtMs: number;
  /** next_poll_after_ms (see PollHint). */
  nextPollAfterMs: number;
}

/** What turns a store status into a ticket, besides the status itself. */
export interface TicketPolicy {
  rateWindowMs: number;
  activeTtlSeconds: number;
  poll: PollHint;
}

/**
 * Estimated wait from the admission rate observed over the rate window. Before any admission has
 * been seen, the only honest bound is that every active slot frees within the active TTL.
 */
export function estimateWaitSeconds(s: EntryStatus, rateWindowMs: number, activeTtlSeconds: number): number {
  if (s.state !== EntryState.Waiting) return 0;
  const perSecond = s.admissionsInWindow / (rateWindowMs / 1000);
  if (perSecond > 0) return Math.ceil(s.position / perSecond);
  if (s.maxActive > 0) return Math.ceil(s.position / s.maxActive) * activeTtlSeconds;
  return 0; // admission paused by an operator: no estimate possible
}

export function ticketOf(token: string, concertId: number, s: EntryStatus, p: TicketPolicy): Ticket {
  const state = s.state === EntryState.Waiting || s.state === EntryState.Active ? s.state : EntryState.Expired;
  const { rateWindowMs, activeTtlSeconds } = p;
  return {
    token,
    concertId,
    state,
    position: state === EntryState.Waiting ? s.position : 0,
    estimatedWaitSeconds: estimateWaitSeconds(s, rateWindowMs, activeTtlSeconds),
    expiresAtMs: state === EntryState.Active ? s.expiresAtMs : 0,
    nextPollAfterMs: p.poll.ms(state, s.position, s.waiting, s.expiresAtMs),
  };
}

export const isFinal = (t: Ticket) => t.state !== EntryState.Waiting;
