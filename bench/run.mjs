#!/usr/bin/env node
// npm run bench [-- --quick] [-- --no-wait] [-- --keep] [-- --no-build]: runs bench/bench-main.ts under tsx.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The server under test is the compiled one (bench/lib/stack.ts starts dist/server/main.js): build it
// from the current sources first, so the figures are never those of a stale dist/.
if (!process.argv.includes("--no-build")) {
  const built = spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/bench-main.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
