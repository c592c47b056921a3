#!/usr/bin/env node
// `npm run dev`: services up (MariaDB, Redis, Kafka — reused when already running), schema migrated,
// demo data seeded, then the server on PORT (8080) with reload on change. Ctrl-C stops the server;
// `npm run infra:down` stops the services this machine's infra:up started.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8080";

function step(label, args) {
  console.log(`\n> ${label}`);
  const r = spawnSync("npm", ["run", "--silent", ...args], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status}); fix the error above and run npm run dev again.`);
    process.exit(r.status ?? 1);
  }
}

step("starting MariaDB, Redis and Kafka (npm run infra:up)", ["infra:up"]);
step("migrating the schema (npm run db:migrate)", ["db:migrate"]);
step("seeding demo concerts (npm run db:seed)", ["db:seed"]);

console.log(`\n> starting the server on :${port} (tsx watch server/main.ts)`);
const server = spawn(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), "watch", "--clear-screen=false", "server/main.ts"], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});

const hint = `
The server answers on http://127.0.0.1:${port} (gRPC, gRPC-Web and Connect on one port). Try:

  curl -H 'content-type: application/json' -d '{}' http://127.0.0.1:${port}/concert.v1.ConcertService/ListConcerts
  npx buf curl --protocol grpc --http2-prior-knowledge --reflect -d '{}' http://127.0.0.1:${port}/concert.v1.ConcertService/ListConcerts
  curl http://127.0.0.1:${port}/readyz
  npx concert-admin --help

Ctrl-C stops the server; npm run infra:down stops the services that infra:up started.
`;

(async () => {
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) {
      console.log(hint);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
})();

for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill("SIGTERM"));
server.on("exit", (code) => process.exit(code ?? 0));
