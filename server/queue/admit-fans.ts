import type { Logger } from "../shared/logger.js";
import { drawCompleted, tokenActivated, tokenExpired, type QueueEventSink } from "./queue-events.js";
import type { AdmitResult, QueueStore } from "./queue.store.js";
import type { PaceAdmission } from "./pace-admission.js";

/** The queue-events one admission step causes (slots ended and filled, and the draw if it ran). */
export function admissionEvents(concertId: number, r: AdmitResult) {
  return [
    ...(r.draw ? [drawCompleted(concertId, r.draw.entrants, r.draw.salesOpenAtMs, r.draw.commitment)] : []),
    ...r.expired.map((u) => tokenExpired(concertId, u, "ttl")),
    ...r.admitted.map((a) => tokenActivated(concertId, a.userId, a.expiresAtMs)),
  ];
}

/** One admission step for a concert: the draw when due, end timed-out slots, fill free ones from the head, tell Kafka. */
export class AdmitFans {
  /** Set once built (it needs the same store and sink): slots are re-sized from the seats before an immediate admission. */
  pace?: PaceAdmission;

  constructor(private readonly store: QueueStore, private readonly events: QueueEventSink) {}

  async execute(concertId: number): Promise<AdmitResult> {
    const r = await this.store.admit(concertId);
    this.events.publish(admissionEvents(concertId, r));
    return r;
  }

  /** After a slot was freed: fill it now rather than at the next tick; the ticker retries on failure. */
  soon(concertId: number, logger: Logger): Promise<void> {
    // A payment or a leave may have changed the seats: size the slots first (SPEC 7.3).
    return (this.pace ? this.pace.execute(concertId) : Promise.resolve()).then(() => this.execute(concertId)).then(
      () => {},
      (err) => logger.warn({ err: (err as Error).message, concertId }, "immediate admission failed; the ticker will retry"),
    );
  }
}
