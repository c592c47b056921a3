#!/usr/bin/env node
/**
 * Framework baseline: a bare node:http JSON endpoint in its own process(es), no Connect, no
 * interceptors. BARE_WORKERS processes share the port through node:cluster, like server/main.ts.
 * Prints "listening <port>" once every worker listens.
 */
import cluster from "node:cluster";
import http from "node:http";

const port = Number(process.env.PORT ?? 0);
const workers = Number(process.env.BARE_WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) {
  let up = 0;
  for (let i = 0; i < workers; i++) cluster.fork().on("message", () => ++up === workers && console.log(`listening ${port}`));
  process.on("SIGTERM", () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
      const out = JSON.stringify({ status: "SERVING", echo: Object.keys(body).length });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1", () => {
    if (cluster.isWorker) process.send("up");
    else console.log(`listening ${server.address().port}`);
  });
  process.on("SIGTERM", () => process.exit(0));
}
