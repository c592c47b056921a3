import { loadConfig } from "../../server/config/config.js";
import { build } from "../../server/server.js";
import { exitGracefullyOnSignal } from "../../server/shared/graceful-exit.js";
import { UnsafeDrawQueueStore } from "./unsafe-draw.queue-store.js";

/**
 * Test-only server process for the draw's negative control (test/queue/draw-multi-process.test.ts):
 * `server/main.ts` with the store swapped for UnsafeDrawQueueStore; the pause (ms) is argv[2].
 */
const gapMs = Number(process.argv[2]);
const app = await build(loadConfig(), { queue: { store: (redis, opts) => new UnsafeDrawQueueStore(redis, opts, gapMs) } });
await app.listen();
exitGracefullyOnSignal(app.infra.logger, () => app.close(), { stopping: "stopping", stopped: "stopped", failed: "stop failed" });
