import type { Logger } from "../shared/logger.js";
import { tokenActivated, tokenExpired, type QueueEventSink } from "./queue-events.js";
import type { AdmitResult, QueueStore } from "./queue.store.js";

/** One admission step for a concert: end timed-out slots, fill free ones from the head, tell Kafka. */
export class AdmitFans {
  constructor(private readonly store: QueueStore, private readonly events: QueueEventSink) {}

  async execute(concertId: number): Promise<AdmitResult> {
    const r = await this.store.admit(concertId);
    this.events.publish([
      ...r.expired.map((u) => tokenExpired(concertId, u, "ttl")),
      ...r.admitted.map((a) => tokenActivated(concertId, a.userId, a.expiresAtMs)),
    ]);
    return r;
  }

  /** After a slot was freed: fill it now rather than at the next tick; the ticker retries on failure. */
  soon(concertId: number, logger: Logger): Promise<void> {
    return this.execute(concertId).then(
      () => {},
      (err) => logger.warn({ err: (err as Error).message, concertId }, "immediate admission failed; the ticker will retry"),
    );
  }
}
