import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { ROOT } from "../../../scripts/infra/kafka.mjs";

/** `npm run relay` as a child process: one node process (no npx/tsx wrapper), so a signal reaches the relay itself. */
export class RelayProcess {
  readonly child: ChildProcess;
  readonly lines: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>, [entry, ...args]: string[] = ["server/outbox/relay-main.ts"]) {
    this.child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { ...process.env, APP_ENV: "local", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    readline.createInterface({ input: this.child.stdout! }).on("line", (l) => {
      try {
        this.lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        this.lines.push({ msg: l });
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr!.on("data", (d) => this.lines.push({ stderr: String(d) }));
  }

  /** Resolves with the first log line matching msg. */
  async waitForLog(msg: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => l.msg === msg);
      if (hit) return hit;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`relay never logged "${msg}"; output:\n${this.lines.map((l) => JSON.stringify(l)).join("\n")}`);
      }
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  kill(signal: NodeJS.Signals) {
    this.child.kill(signal);
    return this.exited;
  }
}
