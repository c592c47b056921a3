#!/usr/bin/env node
// The concert-admin executable. The CLI is TypeScript run through tsx (a runtime dependency), so
// `npx concert-admin` works right after `npm ci` with no build step. tsx is pointed at the repo's
// tsconfig explicitly: it would otherwise look for one in the caller's working directory and could
// compile the .tsx files with the wrong JSX runtime.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(new URL("./main.ts", import.meta.url).href);
