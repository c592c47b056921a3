import cluster from "node:cluster";
import { bootLogLevel, loadConfig, loadDotenvFile, ConfigError, type Config } from "./config/config.js";
import { createLogger } from "./shared/logger.js";
import { build } from "./server.js";
import { exitGracefullyOnSignal } from "./shared/graceful-exit.js";
import { serveClusterMetrics } from "./ops/cluster-metrics.js";

/**
 * `npm start`: the server alone (services must already run; no migration, no seeding).
 * WORKERS (default: the number of cores) processes share the one port through node:cluster; the
 * admission loop, hold sweeper and outbox relay are safe to run in each of them.
 */
loadDotenvFile();
const logger = createLogger(bootLogLevel());

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      logger.fatal(e.message);
      process.exit(78);
    }
    throw e;
  }
}

async function serve(config: Config): Promise<void> {
  const app = await build(config, { logger });
  const { port } = await app.listen();
  logger.info({ port, env: config.appEnv }, "concert server ready");
  exitGracefullyOnSignal(logger, () => app.close(), {
    stopping: "shutting down: draining requests",
    stopped: "shutdown complete",
    failed: "shutdown failed",
  });
}

function supervise(workers: number): void {
  logger.info({ workers }, "starting worker processes");
  serveClusterMetrics(); // /metrics totals over all workers
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info("shutdown complete");
        process.exit(0);
      }
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "worker died; starting another");
    if (code === 78) process.exit(78); // configuration errors will not fix themselves
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down workers");
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal === "SIGINT" ? "SIGTERM" : signal);
    setTimeout(() => process.exit(1), 25_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

const config = configOrExit();
const workers = config.workers;
if (workers > 1 && cluster.isPrimary) supervise(workers);
else await serve(config);
