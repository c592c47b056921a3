import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase } from "../../support/database.js";
import { uniqueId } from "../../support/env.js";
import { freePort } from "../../queue/child-server.js";

export interface AbuseServer {
  url: string;
  port: number;
  pid: number;
  /** Resident set size of the server process, in bytes (/proc). */
  rss(): number;
  /** The server's own view of its memory (prom-client's default metrics), in bytes. */
  memory(): Promise<{ rss: number; heapUsed: number; heapTotal: number; external: number } & Record<string, number>>;
  /** Log lines the server wrote at error level or above (LOG_LEVEL=error), parsed. */
  errors(): Array<Record<string, unknown>>;
  /** rpc_requests_total by code, summed over RPCs, from /metrics. */
  codes(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, "..", "..", "..");

/**
 * The server as production runs it (`node --import tsx server/main.ts`, one process) in a child, so
 * its memory and event loop are its own: RSS and /healthz latency measure the server, not the attackers.
 */
export async function startAbuseServer(env: Record<string, string>): Promise<AbuseServer> {
  const db = await createTestDatabase();
  const port = await freePort();
  // ABUSE_SERVER_NODE_ARGS: node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p") when looking into a run.
  const nodeArgs = (process.env.ABUSE_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      APP_ENV: "local",
      PORT: String(port),
      HOST: "127.0.0.1",
      WORKERS: "1",
      DATABASE_URL: db.url,
      REDIS_KEY_PREFIX: `test:${uniqueId("abuse")}:`,
      KAFKA_TOPIC_PREFIX: `${uniqueId("abuse")}.`,
      LOG_LEVEL: "error",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let partial = "";
  const collect = (d: Buffer) => {
    const parts = (partial + String(d)).split("\n");
    partial = parts.pop()!;
    lines.push(...parts.filter((l) => l.trim()));
    // ABUSE_SERVER_LOG: a file that gets all the server wrote (with e.g. --trace-gc in ABUSE_SERVER_NODE_ARGS).
    if (process.env.ABUSE_SERVER_LOG) appendFileSync(process.env.ABUSE_SERVER_LOG, d);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once("exit", (code, signal) => {
    // A crash would otherwise only show as refused connections in every later test.
    if (!stopping) console.error(`abuse server exited (${code ?? signal}) during the attacks; its last lines:\n${[...lines.slice(-30), partial].join("\n")}`);
    resolve();
  }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`abuse server did not start:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid!,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) * 1024,
    async memory() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const get = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, "m").exec(text)?.[1] ?? NaN);
      return {
        rss: get("process_resident_memory_bytes"),
        heapUsed: get("nodejs_heap_size_used_bytes"),
        heapTotal: get("nodejs_heap_size_total_bytes"),
        external: get("nodejs_external_memory_bytes"),
        // V8's spaces: committed (total) and in use, e.g. oldTotal / oldUsed, newTotal / newUsed.
        ...Object.fromEntries([...text.matchAll(/^nodejs_heap_space_size_(total|used)_bytes\{space="(\w+?)(?:_space)?"\} ([0-9.e+]+)/gm)]
          .filter(([, , space]) => ["old", "new", "code", "large_object"].includes(space))
          .map(([, kind, space, v]) => [`${space === "large_object" ? "lo" : space}${kind === "total" ? "Total" : "Used"}`, Number(v)])),
      };
    },
    errors: () => lines.map((l) => { try { return JSON.parse(l); } catch { return { msg: l }; } }),
    async codes() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const m of text.matchAll(/^rpc_requests_total\{[^}]*code="([^"]+)"[^}]*\} (\d+)/gm)) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
      return out;
    },
    async stop() {
      stopping = true;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.kill("SIGKILL");
      await db.drop();
    },
  };
}
