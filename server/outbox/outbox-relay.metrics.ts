import { Counter, Histogram, type Registry } from "prom-client";

/** What the relay counts (backlog and oldest age are gauges read from MySQL, see events.module.ts). */
export class RelayMetrics {
  readonly sent: Counter<"topic">;
  readonly failures: Counter<"stage">;
  readonly latency: Histogram;
  readonly refused: Counter<"topic">;
  readonly dead: Counter<"topic">;

  constructor(registry: Registry) {
    this.sent = new Counter({
      name: "outbox_events_sent_total",
      help: "Outbox events the relay sent to Kafka (acked by all in-sync replicas), by SPEC topic; its rate is the send rate",
      labelNames: ["topic"] as const,
      registers: [registry],
    });
    this.failures = new Counter({
      name: "outbox_relay_failures_total",
      help: "Relay rounds that failed, by stage (claim: MySQL; send: Kafka; mark: MySQL after a send)",
      labelNames: ["stage"] as const,
      registers: [registry],
    });
    this.latency = new Histogram({
      name: "outbox_event_delay_seconds",
      help: "From writing an outbox row to Kafka acknowledging it",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.refused = new Counter({
      name: "outbox_event_refusals_total",
      help: "Sends Kafka refused for a reason of the event itself (too large, topic not writable), by SPEC topic; outages are not counted",
      labelNames: ["topic"] as const,
      registers: [registry],
    });
    this.dead = new Counter({
      name: "outbox_events_dead_total",
      help: "Outbox events that went dead after OUTBOX_MAX_ATTEMPTS refusals, by SPEC topic",
      labelNames: ["topic"] as const,
      registers: [registry],
    });
    // Present (at 0) from the first scrape, so dashboards and alerts need no absent() guard.
    for (const topic of ["reservation-events", "payment-events"]) {
      this.refused.inc({ topic }, 0);
      this.dead.inc({ topic }, 0);
    }
  }
}
