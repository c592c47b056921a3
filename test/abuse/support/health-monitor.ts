import { Worker } from "node:worker_threads";

export interface HealthReport {
  samples: number;
  worstMs: number;
  failures: string[];
  /** Slowest answer per phase (see mark()). */
  worstByPhase: Record<string, number>;
}

// Plain JS run in a worker thread: the attackers' own busy event loop must not delay the probe and be
// blamed on the server.
const PROBE = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const report = { samples: 0, worstMs: 0, failures: [], worstByPhase: {} };
let phase = "start", stopped = false;
parentPort.on("message", (m) => { if (m.phase) phase = m.phase; if (m.stop) stopped = true; });
const probe = () => new Promise((resolve, reject) => {
  const req = http.get({ host: "127.0.0.1", port: workerData.port, path: "/healthz", agent: false, timeout: 5000 }, (res) => {
    res.resume();
    res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error("status " + res.statusCode))));
  });
  req.on("timeout", () => req.destroy(new Error("no answer in 5 s")));
  req.on("error", reject);
});
(async () => {
  while (!stopped) {
    const t0 = performance.now();
    await probe().catch((e) => report.failures.push(phase + ": " + String(e)));
    const ms = performance.now() - t0;
    report.worstMs = Math.max(report.worstMs, ms);
    report.worstByPhase[phase] = Math.round(Math.max(report.worstByPhase[phase] || 0, ms));
    report.samples++;
    await new Promise((r) => setTimeout(r, workerData.everyMs));
  }
  parentPort.postMessage(report);
})();
`;

/**
 * Probes GET /healthz every `everyMs` on a new connection each time (as a load balancer's probe
 * does) while an attack runs; records the slowest answer and every failure.
 */
export function monitorHealth(port: number, everyMs = 200): { mark(phase: string): void; stop(): Promise<HealthReport> } {
  const worker = new Worker(PROBE, { eval: true, workerData: { port, everyMs } });
  const done = new Promise<HealthReport>((resolve) => worker.once("message", resolve));
  return {
    mark: (phase) => worker.postMessage({ phase }),
    async stop() {
      worker.postMessage({ stop: true });
      const report = await done;
      await worker.terminate();
      return report;
    },
  };
}
