import { loadConfig, loadDotenvFile, ConfigError } from "./config/config.js";
import { createLogger } from "./shared/logger.js";
import { build } from "./server.js";

/** `npm start`: the server alone (services must already run; no migration, no seeding). */
loadDotenvFile();
const logger = createLogger();
let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    logger.fatal(e.message);
    process.exit(78);
  }
  throw e;
}
const app = await build(config, { logger });
const { port } = await app.listen();
logger.info({ port, env: config.appEnv }, "concert server ready");

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: draining requests");
  const hard = setTimeout(() => process.exit(1), 20_000);
  hard.unref();
  app
    .close()
    .then(() => {
      logger.info("shutdown complete");
      process.exit(0);
    })
    .catch((err) => {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    });
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
