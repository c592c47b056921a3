import { DomainError } from "../shared/domain-error.js";

/**
 * Open WatchQueueStatus streams per user in this process (QUEUE_MAX_WATCHERS_PER_USER, SPEC 7.2).
 * A fan needs one stream (two while a reconnect overlaps the old one); without a cap one JWT could
 * open thousands, each holding a stream, a watcher and buffers. With several worker processes the cap
 * holds per process: the point is bounding what one user costs a process, not an exact global count.
 */
export class WatcherQuota {
  private readonly open = new Map<number, number>();
  constructor(private readonly perUser: number) {}

  /** Counts one more stream for the user, or refuses; the returned release is safe to call twice. */
  acquire(userId: number): () => void {
    const n = this.open.get(userId) ?? 0;
    if (n >= this.perUser) {
      throw new DomainError("RATE_LIMITED",
        `you already have ${n} WatchQueueStatus streams open (at most ${this.perUser}): close one, or use the one you have`);
    }
    this.open.set(userId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left <= 0) this.open.delete(userId);
      else this.open.set(userId, left);
    };
  }
}
