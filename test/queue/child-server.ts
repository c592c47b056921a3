import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import type { Config } from "../../server/config/config.js";

/** A free TCP port (PORT=0 would work, but the child could not tell us which port it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A second server process (`npx tsx server/main.ts`, as in production) sharing the database and
 * Redis key space of an in-process test server.
 */
export async function startChildServer(shared: Config, extraEnv: Record<string, string> = {}, entry: string[] = ["server/main.ts"]): Promise<ChildServer> {
  const port = await freePort();
  const child: ChildProcess = spawn("npx", ["tsx", ...entry], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      APP_ENV: "local",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: shared.databaseUrl,
      DATABASE_READ_URLS: shared.databaseReadUrls.join(","),
      REDIS_KEY_PREFIX: shared.redisKeyPrefix,
      KAFKA_TOPIC_PREFIX: shared.kafkaTopicPrefix,
      QUEUE_MAX_ACTIVE: String(shared.queueMaxActive),
      QUEUE_ACTIVE_TTL_SECONDS: String(shared.queueActiveTtlSeconds),
      RUN_WORKERS: "true",
      WORKERS: "1", // one process is enough here; the in-process server is the other

      LOG_LEVEL: "error",
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "pipe"],
    // Its own process group: npx -> tsx -> node, all stopped together by the group id.
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child server exited early: ${stderr}`);
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      signal("SIGKILL");
      throw new Error(`child server did not come up: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) {
        signal("SIGTERM");
        const hard = setTimeout(() => signal("SIGKILL"), 15_000);
        await exited;
        clearTimeout(hard);
      }
    },
  };
}
