import type { Logger } from "./logger.js";

/**
 * On SIGTERM or SIGINT: run `close` once, exit 0 when it finishes, 1 when it fails or takes longer
 * than 20 s (an orchestrator's kill would come next anyway).
 */
export function exitGracefullyOnSignal(logger: Logger, close: () => Promise<void>, words: { stopping: string; stopped: string; failed: string }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, words.stopping);
    setTimeout(() => process.exit(1), 20_000).unref();
    close()
      .then(() => {
        logger.info(words.stopped);
        process.exit(0);
      })
      .catch((err) => {
        logger.error({ err: String(err) }, words.failed);
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
