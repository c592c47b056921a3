import { runRelayProcess } from "./relay-process.js";

/**
 * `npm run relay`: the outbox relay alone, e.g. when the API servers run with RUN_WORKERS=false, or as
 * a second relay beside them (SKIP LOCKED keeps them from sending the same rows). SIGTERM/SIGINT
 * finish the round in progress, then close the pools.
 */
await runRelayProcess();
