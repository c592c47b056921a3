import * as http from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadConfig } from "../../server/config/config.js";
import { build } from "../../server/server.js";
import { exitGracefullyOnSignal } from "../../server/shared/graceful-exit.js";

/**
 * Test-only server process for test/rpc/lean-stream.test.ts: `server/main.ts` plus a second port
 * (argv[3]) whose GET collects garbage and answers process.memoryUsage(), so the test can read what
 * open streams retain. argv[2] = "connect" is the negative control: WatchQueueStatus through
 * Connect-Node's own streaming pipeline (build option leanStreams: false).
 */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const app = await build(loadConfig(), { leanStreams: process.argv[2] !== "connect" });
await app.listen();
const probe = http.createServer((_req, res) => {
  gc();
  gc();
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(process.memoryUsage()));
});
probe.listen(Number(process.argv[3]), "127.0.0.1");
exitGracefullyOnSignal(app.infra.logger, async () => {
  probe.close();
  await app.close();
}, { stopping: "stopping", stopped: "stopped", failed: "stop failed" });
