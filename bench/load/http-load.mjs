#!/usr/bin/env node
/**
 * Connect JSON load generator (its own process): autocannon against one RPC path, rotating through
 * prepared requests (each with its own JWT / queue token / body). Reads a job file (argv[2]) and
 * prints one JSON result on stdout. Latency percentiles come from every response time autocannon
 * reports (its own summary has no p95); errors are counted by Connect code read from error bodies.
 * Job: { url, path, items: [{ headers?, body }], connections, durationS }
 */
import fs from "node:fs";
import autocannon from "autocannon";
import { summarize } from "../lib/percentiles.mjs";

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const items = job.items.map((it) => ({
  headers: { "content-type": "application/json", ...(it.headers ?? {}) },
  body: JSON.stringify(it.body ?? {}),
}));
let next = 0;
const errors = {};
const latencies = [];
let ok = 0;

const instance = autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationS,
  timeout: 20,
  requests: [
    {
      method: "POST",
      path: job.path,
      setupRequest: (req) => {
        const it = items[next++ % items.length];
        return { ...req, headers: it.headers, body: it.body };
      },
      onResponse: (status, body) => {
        if (status === 200) return void ok++;
        let code = `http_${status}`;
        try {
          code = JSON.parse(body).code ?? code;
        } catch {}
        errors[code] = (errors[code] ?? 0) + 1;
      },
    },
  ],
});
instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
instance.on("done", (res) => {
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  if (res.errors) errors.transport = (errors.transport ?? 0) + res.errors;
  if (res.timeouts) errors.timeout = (errors.timeout ?? 0) + res.timeouts;
  const total = latencies.length;
  process.stdout.write(JSON.stringify({
    tool: "autocannon", protocol: "connect-json", connections: job.connections, seconds: Math.round(seconds * 100) / 100,
    requests: total, ok, rps: Math.round(total / seconds), okRps: Math.round(ok / seconds), latencyMs: summarize(latencies), errors,
    // How busy this generator's own process was (1 = a whole core).
    generatorCpuCores: +((used.user + used.system) / 1000 / (seconds * 1000)).toFixed(2),
  }) + "\n");
});
