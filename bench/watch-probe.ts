/**
 * One bounded run of the watchers scenario (bench/lib/surge.ts) outside the full bench:
 * `npx tsx bench/watch-probe.ts [streams=10000]`. BENCH_SERVER_NODE_ARGS passes node flags to the
 * server (e.g. "--heapsnapshot-signal=SIGUSR2" or "--cpu-prof"). Prints the scenario's JSON result.
 */
import { randomBytes } from "node:crypto";
import { watchersScenario } from "./lib/surge.js";

const streams = Number(process.argv[2] ?? 10_000);
const res = await watchersScenario(`probe${randomBytes(2).toString("hex")}`, streams);
console.log(JSON.stringify(res, null, 1));
process.exit(0);
