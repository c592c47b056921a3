import type { Logger } from "../shared/logger.js";
import { Ticker } from "../shared/ticker.js";
import { EntryState } from "./entry-state.js";
import { estimateWaitSeconds, isFinal, ticketOf, type Ticket, type TicketPolicy } from "./queue-ticket.js";
import type { QueueTokenClaims } from "./queue-token.js";
import type { EntryStatus, QueueStore } from "./queue.store.js";

/** Streams handed a ticket per event-loop turn (see tick). */
const OFFERS_PER_TURN = 256;

/**
 * One open stream. Kept small (a process holds 50,000 of them, SPEC 7.1): the last ticket sent and
 * one slot for the next, never a queue.
 */
interface Watcher {
  token: string;
  claims: QueueTokenClaims;
  /** The last ticket handed to the stream (undefined: nothing yet, the first tick sends one). */
  last: Ticket | undefined;
  /**
   * The newest ticket not yet taken by the stream. A newer one replaces it: a slow reader (its
   * HTTP/2 window full, so Connect's write awaits 'drain') loses intermediate places, and since a
   * final ticket is the last one ever put here, never the final ACTIVE/EXPIRED.
   */
  slot: Ticket | undefined;
  wake: (() => void) | undefined;
}

/** One concert's watchers in this process. */
interface Group {
  all: Set<Watcher>;
  /** Joined since the last tick: they get their first ticket even if the line did not move. */
  fresh: Watcher[];
  /** The change counter the last full pass read. */
  seen: string | undefined;
}

export interface QueueWatchHubOptions {
  /** Tick period with few watchers; it stretches with many (see intervalFor) up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /**
   * Test-only negative control: a naive bounded buffer that drops a new ticket while the reader
   * still has one pending, instead of replacing it (which loses the final state of a slow reader).
   */
  dropNewestForTests?: boolean;
}

/**
 * One shared ticker per process for all WatchQueueStatus streams. Each tick reads every watched
 * concert's change counter in one round trip; for a concert whose line moved it reads all of its
 * watchers' places with one script call per 2,000 watchers (the line's rate, policy and length read
 * once for all of them), and for the others only the watchers that just joined. A stream is woken
 * only when its state, place or estimate changed.
 */
export class QueueWatchHub {
  private readonly groups = new Map<number, Group>();
  private count = 0;
  private readonly ticker: Ticker;
  private closed = false;
  private ticking = false;
  private readonly intervalMs: number;
  private readonly maxIntervalMs: number;

  constructor(
    private readonly store: QueueStore,
    private readonly policy: TicketPolicy,
    private readonly logger: Logger,
    private readonly opts: QueueWatchHubOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 200;
    this.maxIntervalMs = opts.maxIntervalMs ?? 1000;
    this.ticker = new Ticker(() => this.tick(), () => this.intervalFor());
  }

  /** Open streams in this process. */
  get size(): number {
    return this.count;
  }

  /**
   * Each tick costs Redis about one ZSCORE + ZRANK per watcher of a moving line; stretching the
   * period with the number of streams (200 ms up to 10,000, 1 s at 50,000) bounds that cost while
   * an update still reaches every watcher well within SPEC's 2 s.
   */
  private intervalFor(): number {
    return Math.min(this.maxIntervalMs, Math.max(this.intervalMs, this.count / 50));
  }

  /** Yields the current ticket, then every change, and ends after ACTIVE or EXPIRED (or when signal aborts). */
  async *watch(token: string, claims: QueueTokenClaims, signal: AbortSignal): AsyncGenerator<Ticket> {
    if (this.closed) return;
    const w: Watcher = { token, claims, last: undefined, slot: undefined, wake: undefined };
    const onAbort = () => w.wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    this.add(w);
    try {
      while (!signal.aborted && !this.closed) {
        if (w.slot === undefined) await new Promise<void>((r) => (w.wake = r));
        w.wake = undefined;
        const t = w.slot;
        w.slot = undefined;
        if (t === undefined) continue;
        yield t;
        if (isFinal(t)) return;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.remove(w);
    }
  }

  private add(w: Watcher) {
    const c = w.claims.concertId;
    let g = this.groups.get(c);
    if (!g) this.groups.set(c, (g = { all: new Set(), fresh: [], seen: undefined }));
    g.all.add(w);
    g.fresh.push(w);
    this.count++;
    if (!this.closed) this.ticker.start();
  }

  private remove(w: Watcher) {
    const g = this.groups.get(w.claims.concertId);
    if (!g || !g.all.delete(w)) return;
    this.count--;
    if (g.all.size === 0) this.groups.delete(w.claims.concertId);
    if (this.count === 0) void this.ticker.stop();
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const concerts = [...this.groups.keys()];
      const versions = await this.store.versions(concerts);
      for (let i = 0; i < concerts.length; i++) {
        const g = this.groups.get(concerts[i]);
        if (!g) continue;
        const moved = g.seen !== versions[i];
        const batch = moved ? [...g.all] : g.fresh;
        g.fresh = [];
        if (batch.length === 0) continue;
        const r = await this.store.watchBatch(concerts[i], batch.map((w) => w.claims));
        if (moved) g.seen = r.version;
        // Each offer wakes a stream that then encodes and writes its ticket, all in the microtasks of this
        // turn; 50,000 at once held the event loop for seconds (and /healthz with it). A slice per turn.
        for (let j = 0; j < batch.length; j++) {
          if (j > 0 && j % OFFERS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
          this.offer(batch[j], r.statuses[j]);
        }
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "queue watch tick failed; retrying");
      // Whoever joined during a failed tick is retried in full next time.
      for (const g of this.groups.values()) g.seen = undefined;
    } finally {
      this.ticking = false;
    }
  }

  /** Hands the stream a new ticket if what it shows changed (the poll hint alone never wakes one). */
  private offer(w: Watcher, s: EntryStatus) {
    const l = w.last;
    if (!this.groups.get(w.claims.concertId)?.all.has(w)) return;
    if (l !== undefined) {
      const state = s.state === EntryState.Unknown ? EntryState.Expired : s.state;
      const position = state === EntryState.Waiting ? s.position : 0;
      const expiresAtMs = state === EntryState.Active ? s.expiresAtMs : 0;
      if (state === l.state && position === l.position && expiresAtMs === l.expiresAtMs
        && estimateWaitSeconds(s, this.policy.rateWindowMs, this.policy.activeTtlSeconds) === l.estimatedWaitSeconds) return;
    }
    const t = ticketOf(w.token, w.claims.concertId, s, this.policy);
    if (this.opts.dropNewestForTests && w.slot !== undefined) return;
    w.last = t;
    w.slot = t;
    // A final ticket is the last this stream will get: stop computing it.
    if (isFinal(t)) this.remove(w);
    w.wake?.();
  }

  close(): void {
    this.closed = true;
    void this.ticker.stop();
    for (const g of this.groups.values()) for (const w of g.all) w.wake?.();
  }
}
