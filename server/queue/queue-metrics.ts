import type { Metrics } from "../ops/metrics.js";
import type { QueueStore } from "./queue.store.js";

/** queue_waiting, queue_active_sessions and queue_admitted_total per concert, read from Redis when /metrics is scraped. */
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
  // The line's own admission counter (it lives in Redis, so it is the same for every process): rate() of it
  // is the admission rate per concert.
  metrics.labelledGauge("queue_admitted_total", "Fans admitted since the concert's line began (monotonic; rate() is the admission rate)", ["concert_id"], () =>
    perConcert((s) => s.admittedTotal),
  );
}
