import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Aggregator } from "prom-client";

/**
 * One Prometheus registry per server instance (tests run several in one process).
 * Modules add their own gauges with `gauge()`; collect functions run only when /metrics is scraped.
 * With several worker processes /metrics sums the workers' registries (ops/cluster-metrics.ts):
 * counters and histograms add up; a gauge says how to combine (see `gauge()`).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly rpcRequests = new Counter({
    name: "rpc_requests_total",
    help: "RPCs handled, by RPC and result code",
    labelNames: ["rpc", "code"] as const,
    registers: [this.registry],
  });
  readonly rpcDuration = new Histogram({
    name: "rpc_duration_seconds",
    help: "RPC latency, by RPC and result code",
    labelNames: ["rpc", "code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly cacheLookups = new Counter({
    name: "cache_lookups_total",
    help: "Cache lookups, by cache and result (hit or miss)",
    labelNames: ["cache", "result"] as const,
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    const lookups = this.cacheLookups;
    // Across workers: their mean (the exact ratio is sum(rate(cache_lookups_total{result="hit"})) / sum(rate(cache_lookups_total))).
    this.labelledGauge("cache_hit_ratio", "Share of cache lookups that hit, by cache", ["cache"], async () => {
      // Derived from cache_lookups_total so the two can never disagree.
      const byCache = new Map<string, { hit: number; all: number }>();
      for (const v of (await lookups.get()).values) {
        const cache = String(v.labels.cache);
        const entry = byCache.get(cache) ?? { hit: 0, all: 0 };
        entry.all += v.value;
        if (v.labels.result === "hit") entry.hit += v.value;
        byCache.set(cache, entry);
      }
      return [...byCache].map(([cache, { hit, all }]) => ({ labels: { cache }, value: all === 0 ? 0 : hit / all }));
    }, "average");
  }

  /** Counts one lookup of a cache, for cache_hit_ratio. */
  cacheLookup(cache: string, hit: boolean): void {
    this.cacheLookups.inc({ cache, result: hit ? "hit" : "miss" });
  }

  /**
   * Adds a gauge whose value is read when scraped. `across` is how worker processes' values combine:
   * "max" (the default) for a value every worker reads from the same shared store (queue length,
   * outbox backlog), which summing would multiply by the number of workers; "sum" for one each
   * worker owns (its connection pool).
   */
  gauge(name: string, help: string, read: () => number | Promise<number>, across: Aggregator = "max"): void {
    new Gauge({
      name,
      help,
      aggregator: across,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** Adds a labelled gauge whose values are read when scraped (`across`: as for `gauge()`). */
  labelledGauge(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Array<{ labels: Record<string, string>; value: number }>>,
    across: Aggregator = "max",
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      aggregator: across,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });
  }
}
