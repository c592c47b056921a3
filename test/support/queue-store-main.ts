import { loadConfig } from "../../server/config/config.js";
import type { QueueModuleOptions } from "../../server/queue/queue.module.js";
import { build } from "../../server/server.js";
import { exitGracefullyOnSignal } from "../../server/shared/graceful-exit.js";
import { DrawRaceQueueStore, type DrawMode } from "./draw-race.queue-store.js";
import { UnsafeAdmissionQueueStore } from "./unsafe-admission.queue-store.js";

/**
 * Test-only server process: `server/main.ts` with a test queue store, for the multi-process tests of
 * test/queue/. argv: `unsafe-admission <pause ms>` (multi-process.test.ts) or `draw-race <mode>`
 * (draw-multi-process.test.ts).
 */
const [kind, arg] = process.argv.slice(2);
const stores: Record<string, NonNullable<QueueModuleOptions["store"]>> = {
  "unsafe-admission": (redis, opts) => new UnsafeAdmissionQueueStore(redis, opts, Number(arg)),
  "draw-race": (redis, opts) => new DrawRaceQueueStore(redis, opts, arg as DrawMode),
};
const store = stores[kind ?? ""];
if (!store) throw new Error(`queue-store-main: unknown store "${kind}" (${Object.keys(stores).join(", ")})`);
const app = await build(loadConfig(), { queue: { store } });
await app.listen();
exitGracefullyOnSignal(app.infra.logger, () => app.close(), { stopping: "stopping", stopped: "stopped", failed: "stop failed" });
