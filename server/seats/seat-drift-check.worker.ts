import { Counter } from "prom-client";
import type { Worker } from "../app/module.js";
import type { Metrics } from "../ops/metrics.js";
import type { Logger } from "../shared/logger.js";
import { Ticker } from "../shared/ticker.js";
import type { CheckSeatDrift } from "./check-seat-drift.js";

/**
 * Runs CheckSeatDrift on the shared Ticker every `intervalMs` and publishes what it found:
 *   seat_drift{schedule_id}      seats whose Redis state differs from MySQL at the schedule's latest check
 *                                (schedules no longer on sale drop out at the end of a cycle)
 *   seat_drift_checks_total{result}  schedule checks: clean, drift, or error
 */
export function createSeatDriftCheck(check: CheckSeatDrift, metrics: Metrics, logger: Logger, intervalMs: number): Worker {
  const latest = new Map<number, number>();
  let seenThisCycle = new Set<number>();
  const checks = new Counter({
    name: "seat_drift_checks_total",
    help: "Background seat drift checks of a schedule, by result (clean, drift, error)",
    labelNames: ["result"] as const,
    registers: [metrics.registry],
  });
  for (const result of ["clean", "drift", "error"]) checks.inc({ result }, 0);
  // Across worker processes: the max (each checks the same shared Redis and MySQL).
  metrics.labelledGauge("seat_drift", "Seats whose Redis state, hold key or holder differs from MySQL (or hold keys of seats MySQL does not have), at the latest background check", ["schedule_id"], async () =>
    [...latest].map(([id, n]) => ({ labels: { schedule_id: String(id) }, value: n })),
  );

  const tick = async () => {
    try {
      const { outcomes, cycleEnded } = await check.step();
      for (const o of outcomes) {
        seenThisCycle.add(o.scheduleId);
        if (o.drifting === undefined) {
          checks.inc({ result: "error" });
          logger.warn({ scheduleId: o.scheduleId, err: o.error }, "seat drift check failed; retrying next cycle");
          continue;
        }
        checks.inc({ result: o.drifting > 0 ? "drift" : "clean" });
        if (o.drifting > 0 && latest.get(o.scheduleId) !== o.drifting) {
          logger.warn({ scheduleId: o.scheduleId, seats: o.drifting }, "Redis seat state differs from MySQL; see concert-admin reconcile <scheduleId>");
        }
        latest.set(o.scheduleId, o.drifting);
      }
      if (cycleEnded) {
        for (const id of [...latest.keys()]) if (!seenThisCycle.has(id)) latest.delete(id);
        seenThisCycle = new Set();
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "seat drift check failed; retrying next tick");
    }
  };
  const ticker = new Ticker(tick, intervalMs);
  return { name: "seat-drift-check", start: () => ticker.start(), stop: () => ticker.stop() };
}
