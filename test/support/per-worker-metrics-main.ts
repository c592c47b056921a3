import cluster from "node:cluster";
import { loadConfig } from "../../server/config/config.js";
import { build } from "../../server/server.js";
import { exitGracefullyOnSignal } from "../../server/shared/graceful-exit.js";

/**
 * Test-only server for the /metrics negative control (test/ops/cluster-metrics.test.ts): WORKERS
 * processes like server/main.ts, but each answers /metrics from its own registry, as before the
 * primary aggregated them. Production never builds it.
 */
const config = loadConfig();
if (cluster.isPrimary) {
  for (let i = 0; i < config.workers; i++) cluster.fork();
  process.on("SIGTERM", () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
} else {
  const app = await build(config, { ops: { perWorkerMetrics: true } });
  await app.listen();
  exitGracefullyOnSignal(app.infra.logger, () => app.close(), { stopping: "stopping", stopped: "stopped", failed: "stop failed" });
}
