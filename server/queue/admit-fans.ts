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

  /** Per concert: the immediate admission pass running now, and whether another must follow it. */
  private readonly passes = new Map<number, { running: Promise<void>; next?: Promise<void> }>();

  /**
   * After a slot was freed: fill it now rather than at the next tick; the ticker retries on failure.
   * Calls for a concert whose pass is running share ONE follow-up pass, started when that one ends:
   * it sees every slot freed before it starts, so each caller's slot is filled as promptly as by a
   * pass of its own, and a burst of payments costs two passes instead of one per payment.
   */
  soon(concertId: number, logger: Logger): Promise<void> {
    const pass = this.passes.get(concertId);
    if (!pass) return this.startPass(concertId, logger);
    pass.next ??= pass.running.then(() => this.startPass(concertId, logger));
    return pass.next;
  }

  private startPass(concertId: number, logger: Logger): Promise<void> {
    // A payment or a leave may have changed the seats: size the slots first (SPEC 7.3).
    const running = (this.pace ? this.pace.execute(concertId) : Promise.resolve()).then(() => this.execute(concertId)).then(
      () => {},
      (err) => logger.warn({ err: (err as Error).message, concertId }, "immediate admission failed; the ticker will retry"),
    );
    const pass: { running: Promise<void>; next?: Promise<void> } = { running };
    this.passes.set(concertId, pass);
    void running.then(() => {
      // The follow-up (if any) has replaced this entry by now; only the last pass clears it.
      if (this.passes.get(concertId) === pass) this.passes.delete(concertId);
    });
    return running;
  }
}
