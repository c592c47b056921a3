import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface ServerProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
}

/** `node <args>` in the repository, as a container runtime starts it: the child is the server process itself. */
export function spawnServer(args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls /healthz until it answers 200; false when it did not within `timeoutMs`. */
export async function waitForHealthz(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/**
 * A request in flight when SIGTERM arrives: sends its headers, signals the process, then sends its
 * body. Resolves to the status it is answered with (200 when the server drained it).
 */
export async function requestAcrossSigterm(port: number, pid: number): Promise<number> {
  const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/concert.v1.ConcertService/ListConcerts", headers: { "content-type": "application/json" } });
  const answered = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on("error", reject);
  });
  req.flushHeaders();
  await new Promise((r) => setTimeout(r, 300));
  process.kill(pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  req.end("{}");
  return answered;
}
