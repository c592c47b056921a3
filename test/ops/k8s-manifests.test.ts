import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config/config.js";
import { startTestServer, type TestServer } from "../support/server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIR = path.join(ROOT, "deploy/k8s");
type Doc = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };
const docs: Doc[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((f) => parseAllDocuments(readFileSync(path.join(DIR, f), "utf8")).map((d) => {
    if (d.errors.length) throw new Error(`${f}: ${d.errors[0]!.message}`);
    return d.toJS() as Doc;
  }));
const one = (kind: string) => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

/** Env names the server reads: every "NAME" / env.NAME in config.ts, and WORKERS in main.ts. */
function envNamesInCode(): Set<string> {
  const src = readFileSync(path.join(ROOT, "server/config/config.ts"), "utf8") + readFileSync(path.join(ROOT, "server/main.ts"), "utf8");
  return new Set([...src.matchAll(/env\.([A-Z][A-Z0-9_]+)|env, "([A-Z][A-Z0-9_]+)"|"([A-Z][A-Z0-9_]*_[A-Z0-9_]+)"|process\.env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!));
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => srv?.close());

describe("deploy/k8s manifests", () => {
  it("parse, and hold a Deployment, Service, HPA, PDB, backup CronJob, ConfigMap and Secret", () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(["ConfigMap", "CronJob", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret", "Service"]);
  });

  it("probe the paths the server answers (/healthz liveness, /readyz readiness) on the port it listens on", async () => {
    const deployment = one("Deployment");
    const c = deployment.spec.template.spec.containers[0];
    const port = c.ports.find((p: { name: string }) => p.name === "http").containerPort;
    expect(port).toBe(loadConfig({ APP_ENV: "local" }).port);
    expect(String(port)).toBe(one("ConfigMap").data!.PORT);
    expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    for (const p of ["/healthz", "/readyz"]) expect((await fetch(`${srv.url}${p}`)).status, p).toBe(200);
    // the image's own command (node as PID 1) is not overridden
    expect(c.command).toBeUndefined();
    expect(deployment.spec.template.spec.initContainers[0].command).toEqual(["node", "dist/server/db/migrate-cli.js"]);
  });

  it("Service speaks h2c to the pods' named port; HPA, PDB and Service all select the Deployment's pods", () => {
    const deployment = one("Deployment");
    const labels = deployment.spec.template.metadata.labels;
    const svc = one("Service");
    expect(svc.spec.ports[0].appProtocol).toBe("kubernetes.io/h2c");
    expect(svc.spec.ports[0].targetPort).toBe("http");
    expect(labels).toMatchObject(svc.spec.selector);
    expect(labels).toMatchObject(one("PodDisruptionBudget").spec.selector.matchLabels);
    expect(one("HorizontalPodAutoscaler").spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
    expect(one("PodDisruptionBudget").spec.minAvailable).toBeLessThan(one("HorizontalPodAutoscaler").spec.minReplicas);
  });

  it("ConfigMap and Secret set only env names the code reads, and the secrets production requires", () => {
    const code = envNamesInCode();
    expect(code.has("DATABASE_URL") && code.has("PORT") && code.has("WORKERS")).toBe(true); // the reader is not vacuous
    const cm = Object.keys(one("ConfigMap").data!);
    const secret = Object.keys(one("Secret").stringData!);
    expect([...cm, ...secret].filter((n) => !code.has(n))).toEqual([]);
    expect(secret).toEqual(expect.arrayContaining(["DATABASE_URL", "AUTH_JWT_SECRET", "QUEUE_TOKEN_SECRET"]));
    // every container takes both
    for (const c of [...one("Deployment").spec.template.spec.containers, ...one("Deployment").spec.template.spec.initContainers]) {
      expect(c.envFrom).toEqual([{ configMapRef: { name: "concert-config" } }, { secretRef: { name: "concert-secrets" } }]);
    }
  });

  it("the backup CronJob runs `concert-admin db backup` daily with the CLI's env names", () => {
    const job = one("CronJob");
    expect(job.spec.schedule).toBe("0 3 * * *");
    const c = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(c.args.slice(0, 2)).toEqual(["db", "backup"]);
    const cli = readFileSync(path.join(ROOT, "cli/services/db-options.ts"), "utf8");
    for (const e of c.env as { name: string }[]) expect(cli).toContain(`.env("${e.name}")`);
  });
});

describe("docker-compose.yml", () => {
  const compose = parseAllDocuments(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true })[0]!.toJS() as {
    services: Record<string, { profiles?: string[]; command?: string[]; image?: string; environment?: Record<string, unknown> }>;
  };
  const inProfile = (p: string) => Object.entries(compose.services).filter(([, s]) => s.profiles?.includes(p)).map(([n]) => n);

  it("keeps Redis persistence on (AOF), runs the server image's own node command, and has a backup job", () => {
    const redis = compose.services.redis!.command!;
    expect(redis[redis.indexOf("--appendonly") + 1]).toBe("yes");
    expect(compose.services.app!.command).toBeUndefined();
    expect(inProfile("backup")).toEqual(["backup"]);
  });

  it("has a scaled profile: 6 Redis Cluster nodes, 3 Kafka brokers (replication 3, min ISR 2), a MySQL replica", () => {
    const scaled = inProfile("scaled");
    expect(scaled.filter((n) => /^redis-node-\d$/.test(n))).toHaveLength(6);
    expect(scaled.filter((n) => /^kafka-\d$/.test(n))).toHaveLength(3);
    expect(scaled).toContain("mysql-replica");
    const k = compose.services["kafka-1"]!.environment!;
    expect([k.KAFKA_DEFAULT_REPLICATION_FACTOR, k.KAFKA_MIN_INSYNC_REPLICAS]).toEqual([3, 2]);
  });
});
