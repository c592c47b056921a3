/**
 * npx tsx bench/tracing-overhead.ts <main-tree> [--rounds 5] [--count 4000]
 * What OpenTelemetry costs a no-op RPC (grpc.health.v1.Health/Check) in-process: the server of
 * <main-tree> (a source tree without tracing, e.g. `git archive <commit>` unpacked with a node_modules
 * link), this tree with tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset) and on (every span exported to a
 * local OTLP sink). Targets run one after the other, interleaved over several rounds, so load from other
 * work hits all of them alike; the medians per target are printed (docs/wave2/otel.md).
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { ROOT } from "./lib/stack.js";

const args = process.argv.slice(2);
const mainTree = args[0];
if (!mainTree || mainTree.startsWith("--")) throw new Error("usage: tracing-overhead.ts <main-tree> [--rounds 5] [--count 4000]");
const opt = (name: string, d: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const rounds = opt("rounds", 5);
const count = opt("count", 4000);

let exported = 0;
const sink = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    exported++;
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const targets = [
  { name: "main (no tracing code)", tree: mainTree, env: {} },
  { name: "this branch, tracing off", tree: ROOT, env: {} },
  { name: "this branch, tracing on", tree: ROOT, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_BSP_SCHEDULE_DELAY: "200" } },
];

function runTarget(t: (typeof targets)[number]): Promise<{ cpuUsPerRpc: number; wallUsPerRpc: number }> {
  const id = randomBytes(4).toString("hex");
  const env: Record<string, string | undefined> = { ...process.env, APP_ENV: "local", LOG_LEVEL: "silent", RUN_WORKERS: "false", REDIS_KEY_PREFIX: `bench-otel:${id}:`, ...t.env };
  if (!("OTEL_EXPORTER_OTLP_ENDPOINT" in t.env)) delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const child = spawn(process.execPath, ["--import", "tsx", `${ROOT}/bench/lib/tracing-overhead-child.ts`, t.tree, String(count)], { cwd: t.tree, env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`${t.name} exited ${code}: ${out}`)))),
  );
}

const results = new Map<string, Array<{ cpuUsPerRpc: number; wallUsPerRpc: number }>>();
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? targets : [...targets].reverse();
  for (const t of order) {
    const m = await runTarget(t);
    results.set(t.name, [...(results.get(t.name) ?? []), m]);
    console.error(`round ${r + 1} ${t.name}: ${m.cpuUsPerRpc.toFixed(1)} µs CPU, ${m.wallUsPerRpc.toFixed(1)} µs wall per RPC`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n${count} no-op RPCs per run, ${rounds} rounds, medians (CPU of server + in-process client):`);
for (const [name, ms] of results) {
  console.log(`  ${name.padEnd(28)} ${median(ms.map((m) => m.cpuUsPerRpc)).toFixed(1)} µs CPU/RPC   ${median(ms.map((m) => m.wallUsPerRpc)).toFixed(1)} µs wall/RPC   (CPU runs: ${ms.map((m) => m.cpuUsPerRpc.toFixed(0)).join(", ")})`);
}
console.log(`  export requests received by the sink: ${exported}`);
sink.close();
