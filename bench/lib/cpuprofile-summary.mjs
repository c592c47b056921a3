#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, as % of the busy samples
 * (idle left out), with file:line, plus totals by package. Only the last <lastS> seconds count, so the
 * start-up (module loading, tsx compiling) stays out of a profile taken under load.
 * Usage: node bench/lib/cpuprofile-summary.mjs <file|dir> [top=25] [lastS=5].
 * A directory picks its largest profile (the main thread; tsx's loader thread writes a small one).
 */
import fs from "node:fs";
import path from "node:path";

let file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
const lastS = Number(process.argv[4] ?? 5);
if (fs.statSync(file).isDirectory()) {
  file = fs.readdirSync(file).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(file, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}
const prof = JSON.parse(fs.readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const at = [];
let t = prof.startTime;
for (const d of prof.timeDeltas) at.push((t += d));
const from = prof.endTime - lastS * 1e6;
let total = 0;
let idle = 0;
prof.samples.forEach((id, i) => {
  if (at[i] < from) return;
  if (byId.get(id).callFrame.functionName === "(idle)") return void idle++;
  self.set(id, (self.get(id) ?? 0) + 1);
  total++;
});
const fns = new Map();
const pkgs = new Map();
for (const [id, n] of self) {
  const cf = byId.get(id).callFrame;
  const where = cf.url ? `${cf.url.replace(/^file:\/\/.*?node_modules\//, "").replace(/^file:\/\/.*?\/(server|bench|gen)\//, "$1/")}:${cf.lineNumber + 1}` : "";
  const key = `${cf.functionName || "(anonymous)"} ${where}`;
  fns.set(key, (fns.get(key) ?? 0) + n);
  const pkg = !cf.url ? `(${cf.functionName || "native"})` : cf.url.startsWith("node:") ? "node core" :
    cf.url.includes("node_modules/") ? cf.url.split("node_modules/").pop().split("/").slice(0, cf.url.split("node_modules/").pop().startsWith("@") ? 2 : 1).join("/") : "our code";
  pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + n);
}
const pct = (n) => ((100 * n) / total).toFixed(1).padStart(5) + "%";
console.log(`${path.basename(file)}: last ${lastS} s, ${total} busy samples, idle ${((100 * idle) / (idle + total)).toFixed(1)}% of the window`);
console.log("\nself time by function:");
for (const [k, n] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
console.log("\nself time by package:");
for (const [k, n] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(n)}  ${k}`);
