#!/usr/bin/env node
// npm run bench [-- --quick] [-- --no-wait] [-- --keep]: runs bench/bench-main.ts under tsx.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/bench-main.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
