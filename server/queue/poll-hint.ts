import { EntryState } from "./entry-state.js";

export interface PollHintOptions {
  /** QUEUE_POLL_BUDGET_PER_SECOND: polls per second one concert's whole line may cost. */
  budgetPerSecond: number;
  /** RATE_LIMIT_PER_SECOND (0 = off): a fan following the hint must never be rate-limited. */
  rateLimitPerSecond: number;
}

/** Nobody needs their place more often than this; it is also the hint near the head of a short line. */
export const MIN_POLL_MS = 1000;

/** Pre-queue hints point at the opening plus up to this much (the draw runs within a second of it). */
export const OPENING_SPREAD_MS = 2000;

/**
 * An upper bound of the harmonic number H(n) = 1 + 1/2 + … + 1/n: ln n + γ + 1/(2n) exceeds it for
 * every n ≥ 1 (the next term of the series is negative), and γ is rounded up.
 */
const harmonicBound = (n: number) => Math.log(n) + 0.5773 + 1 / (2 * n);

/**
 * `next_poll_after_ms` (SPEC 7.1). The fan at position p of a line of n waits
 *   h(p) = max(floor, 1000 · p · H(n) / budget)  ms,
 * so the line's poll rate Σ 1000/h(p) ≤ budget/H(n) · Σ 1/p = budget, however long the line: the
 * budget is spread by position (place 1 polls most, place 200,000 of a million about every 24 min at
 * the default 2,000/s) and the hint grows with position. The floor keeps a fan who follows the hint
 * under the per-user rate limit with room for network jitter (twice the limiter's interval).
 * ACTIVE: poll again when the slot ends (Pay or LeaveQueue end it earlier, and the client knows);
 * EXPIRED: 0, there is nothing left to poll for.
 */
export class PollHint {
  readonly floorMs: number;
  constructor(private readonly opts: PollHintOptions) {
    const limiterMs = opts.rateLimitPerSecond > 0 ? Math.ceil(2000 / opts.rateLimitPerSecond) : 0;
    this.floorMs = Math.max(MIN_POLL_MS, limiterMs);
  }

  /** Hint for a WAITING fan at `position` (1-based) of a line `waiting` long. */
  waitingMs(position: number, waiting: number): number {
    const n = Math.max(waiting, position, 1);
    const spread = Math.ceil((1000 * position * harmonicBound(n)) / this.opts.budgetPerSecond);
    // uint32 on the wire.
    return Math.min(Math.max(this.floorMs, spread), 0xffff_ffff);
  }

  /**
   * BEFORE_OPEN: poll again just after the opening (when the draw has given a place), spread over
   * OPENING_SPREAD_MS so a pre-queue does not poll all in the same millisecond; SOLD_OUT: 0 like EXPIRED.
   */
  ms(state: EntryState, position: number, waiting: number, expiresAtMs: number, now = Date.now(), opensAtMs = 0): number {
    if (state === EntryState.Waiting) return this.waitingMs(position, waiting);
    if (state === EntryState.BeforeOpen) {
      const spread = Math.floor(Math.random() * OPENING_SPREAD_MS);
      return Math.min(Math.max(this.floorMs, opensAtMs - now + spread), 0xffff_ffff);
    }
    if (state === EntryState.Active) return Math.min(Math.max(this.floorMs, expiresAtMs - now), 0xffff_ffff);
    return 0;
  }
}
