import type { Logger } from "./logger.js";

/**
 * Runs a step that follows a committed change (Redis, the queue), best effort: the database already
 * decided, so a failure here is logged and never turns the committed outcome into an error.
 */
export async function afterCommit(
  logger: Logger | undefined,
  failure: string,
  context: Record<string, unknown>,
  step: () => Promise<unknown>,
): Promise<void> {
  try {
    await step();
  } catch (err) {
    logger?.warn({ err: (err as Error).message, ...context }, failure);
  }
}
