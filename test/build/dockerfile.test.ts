import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config/config.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

/** The instructions of the last stage (the image that runs). */
function finalStage(all: { op: string; args: string }[]) {
  const lastFrom = all.map((i) => i.op).lastIndexOf("FROM");
  return all.slice(lastFrom);
}

describe("Dockerfile (no Docker engine here: its properties, read from the file)", () => {
  const all = instructions(readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
  const runtime = finalStage(all);

  it("builds in a stage of its own from npm ci and npm run build, and ships only the build output and production dependencies", () => {
    expect(all.filter((i) => i.op === "FROM").length).toBeGreaterThanOrEqual(2);
    const runs = all.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    // the runtime stage copies dist from the build stage and never compiles or copies the sources
    const copies = runtime.filter((i) => i.op === "COPY").map((i) => i.args);
    expect(copies.some((c) => /--from=build\b.*\/app\/dist/.test(c))).toBe(true);
    expect(copies.some((c) => /^(--chown=\S+ )?\. /.test(c))).toBe(false);
    expect(runtime.some((i) => i.op === "RUN" && /npm run build|tsc/.test(i.args))).toBe(false);
  });

  it("runs as a non-root user", () => {
    const user = runtime.filter((i) => i.op === "USER").pop()?.args;
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user);
  });

  it("starts node directly as PID 1's command (exec form, no npm or shell), so SIGTERM reaches the server", () => {
    const cmd = runtime.filter((i) => i.op === "CMD").pop()!.args;
    expect(JSON.parse(cmd)).toEqual(["node", "dist/server/main.js"]);
    expect(runtime.some((i) => i.op === "ENTRYPOINT")).toBe(false);
  });

  it("checks /healthz, on the port the server listens on by default", () => {
    const hc = runtime.find((i) => i.op === "HEALTHCHECK")!.args;
    expect(hc).toContain("/healthz");
    const port = loadConfig({ APP_ENV: "local" }).port;
    expect(runtime.find((i) => i.op === "EXPOSE")!.args).toBe(String(port));
    expect(runtime.find((i) => i.op === "ENV")!.args).toContain(`PORT=${port}`);
  });

  it("npm start runs the same compiled entry with node", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe("node dist/server/main.js");
  });
});
