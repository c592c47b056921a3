import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dashboard = JSON.parse(readFileSync(path.join(ROOT, "deploy/observability/grafana/dashboards/concert.json"), "utf8")) as {
  panels: { title: string; targets: { expr: string }[] }[];
};

// PromQL words that are not metric names.
const PROMQL = new Set(["sum", "max", "min", "avg", "by", "without", "rate", "irate", "increase", "histogram_quantile", "le", "on", "ignoring", "and", "or", "unless", "count", "topk", "bottomk"]);

/** Metric names an expression reads: identifiers outside {…} label matchers that are not PromQL words or label names in by (…). */
function metricNames(expr: string): string[] {
  const noMatchers = expr.replace(/\{[^}]*\}/g, " ").replace(/\b(by|without)\s*\([^)]*\)/g, " ").replace(/\[[^\]]*\]/g, " ");
  return [...noMatchers.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL.has(w) && !/^\d/.test(w));
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => srv?.close());

describe("deploy/observability Grafana dashboard", () => {
  it("queries only metrics that a live /metrics scrape exports", async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const exported = (name: string) => {
      if (types.has(name)) return true;
      const base = name.replace(/_(bucket|sum|count)$/, "");
      return base !== name && types.get(base) === "histogram";
    };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))));
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((n) => !exported(n))).toEqual([]);
  });

  it("covers what operators asked for: queue and admissions per concert, RPC rate/latency/errors, outbox backlog and age, dead letters, seat drift, cache hits, pool use", () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join("\n");
    for (const needle of ["queue_waiting", "queue_admitted_total", "rpc_requests_total", "rpc_duration_seconds_bucket", 'code!="OK"', "outbox_backlog", "outbox_oldest_unsent_age_seconds", "cache_lookups_total", "db_pool_connections_in_use", "outbox_dead_events", "outbox_oldest_dead_age_seconds", "seat_drift"]) {
      expect(exprs).toContain(needle);
    }
    expect(exprs).toMatch(/by \(concert_id\)/);
    expect(exprs).toMatch(/by \(rpc, code\)/);
  });

  it("the metric-name reader is not vacuous: it finds a name that is not exported", () => {
    expect(metricNames('sum by (rpc) (rate(rpc_requestz_total{code="OK"}[1m]))')).toEqual(["rpc_requestz_total"]);
  });
});
