import * as http from "node:http";

export interface HealthReport {
  samples: number;
  worstMs: number;
  failures: string[];
}

/**
 * Probes GET /healthz every `everyMs` on a new connection each time (as a load balancer's probe
 * does) while an attack runs; records the slowest answer and every failure.
 */
export function monitorHealth(port: number, everyMs = 200): { stop(): Promise<HealthReport> } {
  const report: HealthReport = { samples: 0, worstMs: 0, failures: [] };
  let stopped = false;
  const probe = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port, path: "/healthz", agent: false, timeout: 5_000 }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on("timeout", () => req.destroy(new Error("no answer in 5 s")));
      req.on("error", reject);
    });
  const running = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      await probe().catch((e) => report.failures.push(String(e)));
      report.worstMs = Math.max(report.worstMs, performance.now() - t0);
      report.samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return report;
    },
  };
}
