import type { Logger } from "../shared/logger.js";
import { Ticker } from "../shared/ticker.js";
import { isFinal, ticketOf, type Ticket } from "./queue-ticket.js";
import type { QueueTokenClaims } from "./queue-token.js";
import type { QueueStore } from "./queue.store.js";

interface Watcher {
  token: string;
  claims: QueueTokenClaims;
  last: Ticket;
  push(t: Ticket): void;
  wake(): void;
}

const same = (a: Ticket, b: Ticket) =>
  a.state === b.state && a.position === b.position && a.estimatedWaitSeconds === b.estimatedWaitSeconds && a.expiresAtMs === b.expiresAtMs;

/**
 * One shared ticker per process for all WatchQueueStatus streams. Each tick reads every watched
 * concert's change counter in one round trip; only for concerts whose line changed does it fetch
 * the watchers' statuses (one pipelined round trip), and pushes tickets that differ.
 */
export class QueueWatchHub {
  private readonly byConcert = new Map<number, Set<Watcher>>();
  private readonly seen = new Map<number, string>();
  private readonly ticker: Ticker;
  private closed = false;

  constructor(
    private readonly store: QueueStore,
    private readonly activeTtlSeconds: number,
    private readonly logger: Logger,
    intervalMs = 200,
  ) {
    this.ticker = new Ticker(() => this.tick(), intervalMs);
  }

  private ticket(w: { token: string; claims: QueueTokenClaims }, s: Awaited<ReturnType<QueueStore["status"]>>): Ticket {
    return ticketOf(w.token, w.claims.concertId, s, this.store.rateWindowMs, this.activeTtlSeconds);
  }

  /** Yields the current ticket, then every change, and ends after ACTIVE or EXPIRED (or when signal aborts). */
  async *watch(token: string, claims: QueueTokenClaims, signal: AbortSignal): AsyncGenerator<Ticket> {
    const first = this.ticket({ token, claims }, await this.store.status(claims.concertId, claims.userId, claims.entryId));
    yield first;
    if (isFinal(first) || this.closed) return;

    const pending: Ticket[] = [];
    let wake: (() => void) | undefined;
    const w: Watcher = {
      token, claims, last: first,
      push: (t) => {
        pending.push(t);
        wake?.();
      },
      wake: () => wake?.(),
    };
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort);
    this.add(w);
    try {
      while (!signal.aborted && !this.closed) {
        if (pending.length === 0) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        while (pending.length > 0) {
          const t = pending.shift()!;
          yield t;
          if (isFinal(t)) return;
        }
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.remove(w);
    }
  }

  private add(w: Watcher) {
    const set = this.byConcert.get(w.claims.concertId) ?? new Set();
    set.add(w);
    this.byConcert.set(w.claims.concertId, set);
    // A new watcher must be compared at least once, even if the counter does not move again.
    this.seen.delete(w.claims.concertId);
    this.ticker.start();
  }

  private remove(w: Watcher) {
    const set = this.byConcert.get(w.claims.concertId);
    set?.delete(w);
    if (set && set.size === 0) {
      this.byConcert.delete(w.claims.concertId);
      this.seen.delete(w.claims.concertId);
    }
    if (this.byConcert.size === 0) void this.ticker.stop();
  }

  private ticking = false;

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const concerts = [...this.byConcert.keys()];
      const versions = await this.store.versions(concerts);
      const changed = concerts.filter((c, i) => this.seen.get(c) !== versions[i]);
      if (changed.length === 0) return;
      const watchers = changed.flatMap((c) => [...(this.byConcert.get(c) ?? [])]);
      const statuses = await this.store.statuses(watchers.map((w) => w.claims));
      changed.forEach((c) => this.seen.set(c, versions[concerts.indexOf(c)]));
      watchers.forEach((w, i) => {
        const t = this.ticket(w, statuses[i]);
        if (!same(t, w.last)) {
          w.last = t;
          w.push(t);
        }
      });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "queue watch tick failed; retrying");
    } finally {
      this.ticking = false;
    }
  }

  close(): void {
    this.closed = true;
    void this.ticker.stop();
    for (const set of this.byConcert.values()) for (const w of set) w.wake();
  }
}
