/**
 * Framework baseline: a minimal Connect-Node server with one no-op handler (grpc.health.v1.Health/Check
 * answering SERVING) and nothing else: no interceptors, no CORS, no routing of our own, plain
 * node:http. The bench compares our server's no-op RPC with it (ratios.noopVsMinimalConnect), so the
 * ratio says how much our own code costs on top of the framework. MINIMAL_WORKERS processes share the
 * port through node:cluster, like server/main.ts. Prints "listening <port>" once every worker listens.
 */
import cluster from "node:cluster";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "../../gen/grpc/health/v1/health_pb.js";

const port = Number(process.env.PORT ?? 0);
const workers = Number(process.env.MINIMAL_WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) {
  let up = 0;
  for (let i = 0; i < workers; i++) cluster.fork().on("message", () => ++up === workers && console.log(`listening ${port}`));
  process.on("SIGTERM", () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const handler = connectNodeAdapter({
    routes: (router) => router.service(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) }),
  });
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1", () => {
    if (cluster.isWorker) process.send!("up");
    else console.log(`listening ${(server.address() as AddressInfo).port}`);
  });
  process.on("SIGTERM", () => process.exit(0));
}
