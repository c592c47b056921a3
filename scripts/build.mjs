#!/usr/bin/env node
// `npm run build`:
//   1. tsc (tsconfig.build.json) compiles server/, cli/ and gen/ to dist/ with source maps; the files
//      tsc does not emit (the Lua scripts, any other non-TypeScript asset) are copied beside the
//      compiled code, so `new URL("./lua/x.lua", import.meta.url)` finds them from dist as from source.
//   2. esbuild bundles the CLI into dist/cli-bundle/ (what cli/bin.mjs runs): one file per command
//      chunk instead of ~600 small modules, which is most of what a CLI start costs. The packages
//      that only some commands need (Ink/React, kafkajs, jose, the database and Redis clients) stay
//      outside the bundle and load from node_modules when a command asks for them.
// dist/ is rebuilt from scratch: a file removed from the sources must not live on in dist.
// `--if-possible` (the "prepare" script, run by `npm ci`/`npm install`): skip quietly when the
// build tools are absent, e.g. `npm ci --omit=dev`.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `--out DIR` (a directory directly under the repo, so node_modules resolves): the build test builds
// there instead of replacing the dist/ other processes may be running from.
const outAt = process.argv.indexOf("--out");
const dist = outAt > 0 ? join(root, process.argv[outAt + 1]) : join(root, "dist");
const tscBin = join(root, "node_modules/typescript/bin/tsc");

if (process.argv.includes("--if-possible") && (!existsSync(tscBin) || !existsSync(join(root, "node_modules/esbuild")))) {
  console.log("build skipped: typescript/esbuild are not installed (dev dependencies); run `npm run build` after installing them");
  process.exit(0);
}

// Compiled by tsc or bundled; or (cli/bin.mjs) run from where it is.
const CODE = new Set([".ts", ".tsx", ".mts", ".cts", ".mjs"]);
// Loaded at run time by the commands that need them, from node_modules.
export const CLI_EXTERNAL = ["ink", "ink-spinner", "react", "kafkajs", "jose", "ioredis", "mysql2", "sequelize", "pino"];

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [tscBin, "-p", join(root, "tsconfig.build.json"), "--outDir", dist], { cwd: root, stdio: "inherit" });
if (tsc.status !== 0) {
  console.error("npm run build: tsc failed (see above); fix the errors and run it again.");
  process.exit(tsc.status ?? 1);
}

let assets = 0;
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const from = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(from);
    else if (!CODE.has(extname(entry.name))) {
      const to = join(dist, relative(root, from));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
      assets++;
    }
  }
}
for (const s of ["server", "cli", "gen"]) copyAssets(join(root, s));

const esbuild = await import("esbuild");
await esbuild.build({
  entryPoints: [join(root, "cli/main.ts")],
  outdir: join(dist, "cli-bundle"),
  bundle: true,
  splitting: true, // each command's dynamic import becomes its own chunk
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  jsx: "automatic",
  tsconfig: join(root, "tsconfig.json"),
  external: CLI_EXTERNAL,
  // Bundled CommonJS packages (commander, dotenv) call require() for Node built-ins.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});

// cli/bin.mjs compares this stamp with the sources' times to tell a stale build from a fresh one.
writeFileSync(join(dist, "BUILD"), `${new Date().toISOString()}\n`);
console.log(`npm run build: ${relative(root, dist)}/ ready (server and CLI compiled, ${assets} assets copied, CLI bundled in dist/cli-bundle)`);
