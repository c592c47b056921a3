import http from "node:http";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

/**
 * One target of bench/tracing-overhead.ts: the server of the source tree argv[2], built in this process
 * from this environment (RUN_WORKERS=false), answering `count` no-op RPCs (grpc.health.v1.Health/Check,
 * Connect JSON over keep-alive HTTP/1.1, 8 in flight) from a client in the same process. Prints the
 * process's CPU time and the wall time per RPC (client included: it is the same in every target).
 */
const [root, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 4000);
const { loadConfig } = (await import(pathToFileURL(join(root!, "server/config/config.ts")).href)) as typeof import("../../server/config/config.js");
const { build } = (await import(pathToFileURL(join(root!, "server/server.ts")).href)) as typeof import("../../server/server.js");

const app = await build(loadConfig(process.env));
const { port } = await app.listen(0, "127.0.0.1");
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const call = () =>
  new Promise<void>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/grpc.health.v1.Health/Check", agent, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end("{}");
  });
async function run(n: number) {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next++ < n) await call();
  }));
}
await run(1_000); // warm-up (JIT)
const c0 = process.cpuUsage();
const t0 = performance.now();
await run(count);
const wallUs = ((performance.now() - t0) * 1000) / count;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ cpuUsPerRpc: (c.user + c.system) / count, wallUsPerRpc: wallUs }));
agent.destroy();
await app.close();
process.exit(0);
