import type { DrawSecret, SalesOpenings } from "../concert/sales-openings.js";
import { openingPassed } from "./queue.errors.js";
import type { QueueStore } from "./queue.store.js";

/** The catalogue's port onto the waiting room's copy of an opening (set-opening.lua). */
export class QueueSalesOpenings implements SalesOpenings {
  constructor(private readonly store: QueueStore) {}

  async schedule(concertId: number, atMs: number | null, secret: DrawSecret): Promise<DrawSecret> {
    const r = await this.store.setOpening(concertId, atMs, secret.seed, secret.commitment);
    if (!r.ok) throw openingPassed(concertId);
    return { seed: r.seed, commitment: r.commitment };
  }
}
