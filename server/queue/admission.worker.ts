import type { Worker } from "../app/module.js";
import type { Logger } from "../shared/logger.js";
import { Ticker } from "../shared/ticker.js";
import type { AdmitFans } from "./admit-fans.js";
import type { QueueStore } from "./queue.store.js";
import type { PaceAdmission } from "./pace-admission.js";

/**
 * The per-process admission ticker. Each tick paces every concert with a line by its seats (sold
 * out, the inventory's cap) and runs the atomic admission step (the draw when due), so slots freed by TTL expiry are filled within one tick; leave, remove and pay
 * also admit at once. Several processes may tick against one Redis: the Lua step is atomic.
 */
export class AdmissionWorker implements Worker {
  readonly name = "queue-admission";
  private readonly ticker: Ticker;

  constructor(
    private readonly store: QueueStore,
    private readonly admit: AdmitFans,
    private readonly pace: PaceAdmission,
    private readonly logger: Logger,
    intervalMs = 200,
  ) {
    this.ticker = new Ticker(() => this.tick(), intervalMs);
  }

  start(): void {
    this.ticker.start();
  }

  async tick(): Promise<void> {
    try {
      for (const concertId of await this.store.queuedConcerts()) {
        await this.pace.execute(concertId);
        const r = await this.admit.execute(concertId);
        if (r.waiting === 0 && r.active === 0) await this.store.unmarkIfIdle(concertId);
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "admission tick failed; retrying next tick");
    }
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }
}
