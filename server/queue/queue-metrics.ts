import type { Metrics } from "../ops/metrics.js";
import type { QueueStore } from "./queue.store.js";

/** queue_waiting and queue_active_sessions per concert, read from Redis when /metrics is scraped. */
export function registerQueueMetrics(metrics: Metrics, store: QueueStore): void {
  const perConcert = async (pick: (s: Awaited<ReturnType<QueueStore["stats"]>>) => number) => {
    try {
      const concerts = await store.queuedConcerts();
      const stats = await Promise.all(concerts.map((c) => store.stats(c)));
      return concerts.map((c, i) => ({ labels: { concert_id: String(c) }, value: pick(stats[i]) }));
    } catch {
      return []; // Redis down: /metrics must still answer (readiness reports the outage)
    }
  };
  metrics.labelledGauge("queue_waiting", "Fans waiting in a concert's line", ["concert_id"], () => perConcert((s) => s.waiting));
  metrics.labelledGauge("queue_active_sessions", "Fans ACTIVE (admitted) for a concert", ["concert_id"], () => perConcert((s) => s.active));
}
