import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { uniqueId } from "../support/env.js";
import { freePort } from "../queue/child-server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
// Built into a directory of its own (beside dist/, so node_modules resolves the same way): the real
// dist/ may be in use by other tests' CLI processes while this one runs.
const OUT = `.build-test-${process.pid}`;
const out = (...p: string[]) => path.join(ROOT, OUT, ...p);

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".lua"));
}

beforeAll(() => {
  const r = spawnSync(process.execPath, ["scripts/build.mjs", "--out", OUT], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}, 300_000);
afterAll(() => rmSync(out(), { recursive: true, force: true }));

describe("npm run build", () => {
  it("emits the server, CLI and generated code as JavaScript with source maps, and copies every Lua script beside it", () => {
    for (const f of ["server/main.js", "server/main.js.map", "server/outbox/relay-main.js", "server/db/migrate-cli.js", "cli/main.js", "gen/concert/v1/concert_pb.js", "cli-bundle/main.js"]) {
      expect(existsSync(out(f)), f).toBe(true);
    }
    const sources = luaFiles(path.join(ROOT, "server"));
    expect(sources.length).toBeGreaterThan(0);
    expect(luaFiles(out("server")).sort()).toEqual(sources.sort());
  });

  it("the bundled CLI answers --help and --version with no TypeScript loader", () => {
    const help = spawnSync(process.execPath, [out("cli-bundle/main.js"), "--help"], { cwd: ROOT, encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("concerts");
    expect(help.stdout).toContain("queue");
    const version = spawnSync(process.execPath, [out("cli-bundle/main.js"), "--version"], { cwd: ROOT, encoding: "utf8" });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // a command that loads its chunk: its own help lists its flags
    const list = spawnSync(process.execPath, [out("cli-bundle/main.js"), "concerts", "list", "--help"], { cwd: ROOT, encoding: "utf8" });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain("--page-size");
  });

  it("the compiled server starts with plain node, answers /healthz, /readyz and an RPC, and exits 0 on SIGTERM", async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    const id = uniqueId("b");
    const child = spawn(process.execPath, [out("server/main.js")], {
      cwd: ROOT,
      env: { ...process.env, APP_ENV: "local", HOST: "127.0.0.1", PORT: String(port), WORKERS: "1", LOG_LEVEL: "error", DATABASE_URL: db.url, REDIS_KEY_PREFIX: `test:${id}:`, KAFKA_TOPIC_PREFIX: `${id}.` },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      let health = 0;
      for (let i = 0; i < 240 && health !== 200; i++) {
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
        health = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
        if (health !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(health).toBe(200);
      let ready = 0;
      for (let i = 0; i < 120 && ready !== 200; i++) {
        ready = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
        if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ready).toBe(200);
      // The server reads its Lua scripts while it starts, so being up already shows they were copied; an RPC end to end:
      const list = await fetch(`${url}/concert.v1.ConcertService/ListConcerts`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(list.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await db.drop();
    }
  });
});

describe("npm pack", () => {
  it("ships the CLI launcher and its bundle, and no sources, tests, server build or source maps", () => {
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const files: string[] = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain("cli/bin.mjs");
    expect(files).toContain("package.json");
    if (!existsSync(path.join(ROOT, "dist/cli-bundle/main.js"))) throw new Error("dist/ is missing: run `npm run build` (npm ci runs it) before this test");
    expect(files).toContain("dist/cli-bundle/main.js");
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|cli\/bin\.mjs|dist\/cli-bundle\/[\w-]+\.js)$/.test(f));
    expect(unexpected).toEqual([]);
  });
});
