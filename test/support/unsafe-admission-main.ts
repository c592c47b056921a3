import { loadConfig } from "../../server/config/config.js";
import { build } from "../../server/server.js";
import { exitGracefullyOnSignal } from "../../server/shared/graceful-exit.js";
import { UnsafeAdmissionQueueStore } from "./unsafe-admission.queue-store.js";

/**
 * Test-only server process for the admission negative control (test/queue/multi-process.test.ts):
 * `server/main.ts` with the store swapped for UnsafeAdmissionQueueStore; the pause (ms) is argv[2].
 */
const gapMs = Number(process.argv[2]);
const app = await build(loadConfig(), { queue: { store: (redis, opts) => new UnsafeAdmissionQueueStore(redis, opts, gapMs) } });
await app.listen();
exitGracefullyOnSignal(app.infra.logger, () => app.close(), { stopping: "stopping", stopped: "stopped", failed: "stop failed" });
