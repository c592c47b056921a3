import type { PollHint } from "./poll-hint.js";
import { EntryState } from "./entry-state.js";
import type { EntryStatus } from "./queue.store.js";

/** A fan's ticket as the API shows it (QueueTicket). */
export interface Ticket {
  token: string;
  concertId: number;
  state: EntryState.Waiting | EntryState.Active | EntryState.Expired | EntryState.BeforeOpen | EntryState.SoldOut;
  position: number;
  /** undefined: unknown (admission is paused, or no seat is free to admit anyone to). */
  estimatedWaitSeconds: number | undefined;
  expiresAtMs: number;
  /** next_poll_after_ms (see PollHint). */
  nextPollAfterMs: number;
  /** A pre-queue entrant's draw nonce (their own ticket only); "" otherwise. */
  drawNonce: string;
}

/** What turns a store status into a ticket, besides the status itself. */
export interface TicketPolicy {
  rateWindowMs: number;
  activeTtlSeconds: number;
  poll: PollHint;
}

/**
 * Estimated wait (SPEC 7.3): 0 unless WAITING (0 in the pre-queue too); unknown (undefined) while
 * admission is paused by an operator or held back because no seat is free (maxActive is then the
 * limit in force, 0); otherwise from the admission rate observed over the rate window. Before any
 * admission has been seen, the only honest bound is that every active slot frees within the active TTL.
 */
export function estimateWaitSeconds(s: EntryStatus, rateWindowMs: number, activeTtlSeconds: number): number | undefined {
  if (s.state !== EntryState.Waiting) return 0;
  if (s.maxActive <= 0) return undefined;
  const perSecond = s.admissionsInWindow / (rateWindowMs / 1000);
  if (perSecond > 0) return Math.ceil(s.position / perSecond);
  return Math.ceil(s.position / s.maxActive) * activeTtlSeconds;
}

const shown = new Set([EntryState.Waiting, EntryState.Active, EntryState.BeforeOpen, EntryState.SoldOut]);

export function ticketOf(token: string, concertId: number, s: EntryStatus, p: TicketPolicy): Ticket {
  const state = shown.has(s.state) ? (s.state as Ticket["state"]) : EntryState.Expired;
  const { rateWindowMs, activeTtlSeconds } = p;
  return {
    token,
    concertId,
    state,
    position: state === EntryState.Waiting ? s.position : 0,
    estimatedWaitSeconds: estimateWaitSeconds(s, rateWindowMs, activeTtlSeconds),
    expiresAtMs: state === EntryState.Active ? s.expiresAtMs : 0,
    nextPollAfterMs: p.poll.ms(state, s.position, s.waiting, s.expiresAtMs, Date.now(), s.opensAtMs ?? 0),
    drawNonce: s.drawNonce ?? "",
  };
}

/** A stream ends after these: ACTIVE, EXPIRED, SOLD_OUT (WAITING and BEFORE_OPEN go on). */
export const isFinal = (t: Ticket) => t.state !== EntryState.Waiting && t.state !== EntryState.BeforeOpen;
