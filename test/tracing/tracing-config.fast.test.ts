import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config/config.js";

const root = join(import.meta.dirname, "..", "..");

describe("tracing configuration (server/config/tracing.config.ts)", () => {
  it("is off without OTEL_EXPORTER_OTLP_ENDPOINT (empty counts as unset), with working defaults", () => {
    expect(loadConfig({}).tracing).toEqual({ endpoint: undefined, serviceName: "concert-reservation", sampleRatio: 1, exportDelayMs: 5_000 });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: " " }).tracing.endpoint).toBeUndefined();
  });

  it("reads the endpoint (trailing slash dropped), service name, sample ratio and export delay", () => {
    const t = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318/", OTEL_SERVICE_NAME: "tickets", OTEL_TRACES_SAMPLER_ARG: "0.25", OTEL_BSP_SCHEDULE_DELAY: "1000" }).tracing;
    expect(t).toEqual({ endpoint: "http://jaeger:4318", serviceName: "tickets", sampleRatio: 0.25, exportDelayMs: 1_000 });
  });

  it("refuses what cannot work, saying what to set", () => {
    const refuse = (env: Record<string, string>) => () => loadConfig(env);
    expect(refuse({ OTEL_EXPORTER_OTLP_ENDPOINT: "jaeger:4318" })).toThrow(ConfigError);
    expect(refuse({ OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://jaeger:4317" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL such as http:\/\/127.0.0.1:4318/);
    expect(refuse({ OTEL_TRACES_SAMPLER_ARG: "2" })).toThrow(/OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/);
    expect(refuse({ OTEL_BSP_SCHEDULE_DELAY: "soon" })).toThrow(/OTEL_BSP_SCHEDULE_DELAY must be a whole number/);
  });

  it("docker-compose passes the endpoint to the app (unset by default) and has Jaeger's OTLP port under the tracing profile", () => {
    const compose = parseAllDocuments(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true })[0]!.toJS() as {
      services: Record<string, { profiles?: string[]; ports?: string[]; environment?: Record<string, unknown> }>;
    };
    expect(compose.services.app!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("${OTEL_EXPORTER_OTLP_ENDPOINT:-}");
    expect(compose.services.jaeger!.profiles).toEqual(["tracing"]);
    expect(compose.services.jaeger!.ports).toContain("127.0.0.1:4318:4318");
  });
});

describe("MySQL span names (server/db/db-tracing.ts)", () => {
  it("names a statement by its operation and first table, keeps the parameterised SQL, never values", async () => {
    const { statementOf } = await import("../../server/db/db-tracing.js");
    expect(statementOf("INSERT INTO outbox (event_id, topic) VALUES (?, ?)").name).toBe("INSERT outbox");
    expect(statementOf("SELECT s.id FROM `seats` s JOIN schedules x ON x.id = s.schedule_id WHERE s.id IN (?, ?)").name).toBe("SELECT seats");
    expect(statementOf("UPDATE reservations SET status = ? WHERE id = ?").attributes).toEqual({
      "db.system.name": "mysql",
      "db.operation.name": "UPDATE",
      "db.query.text": "UPDATE reservations SET status = ? WHERE id = ?",
    });
    expect(statementOf("START TRANSACTION").name).toBe("START TRANSACTION");
    expect(statementOf("SELECT 1").name).toBe("SELECT");
  });
});
