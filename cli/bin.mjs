#!/usr/bin/env node
// The concert-admin executable. It runs the compiled CLI (dist/cli-bundle/main.js, from `npm run build`;
// `npm ci` builds it through the "prepare" script), which starts several times faster than
// compiling the TypeScript at every start.
// In a checkout with the sources, the sources win when they are newer than the build (an edit made
// after the last build), or when CONCERT_ADMIN_FROM_SOURCE=1: they run through tsx, pointed at the
// repo's tsconfig explicitly (tsx would otherwise look for one in the caller's working directory
// and could compile the .tsx files with the wrong JSX runtime).
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const built = new URL("dist/cli-bundle/main.js", root);
const stamp = new URL("dist/BUILD", root);
const source = new URL("cli/main.ts", root);

/** The newest modification time of any file under dir, or 0. A few hundred stat calls: ~1-2 ms. */
function newest(dir) {
  let t = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function sourcesNewerThanBuild() {
  const builtAt = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return ["cli", "server", "gen"].some((d) => newest(fileURLToPath(new URL(d, root))) > builtAt);
}

const haveSource = existsSync(source);
const haveBuild = existsSync(built);
const fromSource = haveSource && (process.env.CONCERT_ADMIN_FROM_SOURCE === "1" || !haveBuild || sourcesNewerThanBuild());

if (fromSource) {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write("concert-admin: the compiled CLI is missing or older than the sources, and tsx is not installed: run `npm run build`\n");
    process.exit(1);
  }
  register({ tsconfig: fileURLToPath(new URL("tsconfig.json", root)) });
  await import(source.href);
} else if (haveBuild) {
  await import(built.href);
} else {
  process.stderr.write("concert-admin: dist/cli-bundle/main.js is missing: run `npm run build` (npm ci runs it for you)\n");
  process.exit(1);
}
