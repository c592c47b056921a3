import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../server/config/config.js";

export const MYSQL_ROOT = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

/** A unique suffix per test file run, for database names, Redis key prefixes and topic prefixes. */
export const uniqueId = (label = "t") => `${label}_${process.pid}_${randomBytes(4).toString("hex")}`;

/**
 * `npm run test:scaled` (SPEC 7.4) runs the suite with .infra/scaled.env loaded: these variables then
 * point every test server at the Redis Cluster and the three brokers. Empty in the single-node run.
 */
export const SCALED_ENV: Record<string, string> = Object.fromEntries(
  (["REDIS_CLUSTER_NODES", "KAFKA_BROKERS"] as const).filter((k) => process.env[k]).map((k) => [k, process.env[k]!]),
);
export const scaled = process.env.REDIS_CLUSTER_NODES !== undefined && process.env.REDIS_CLUSTER_NODES !== "";

/** The replicas of DATABASE_READ_URLS (scaled run), pointed at the test's own database on them. */
export function readUrlsFor(databaseUrl: string): string[] {
  const name = new URL(databaseUrl).pathname;
  return (process.env.DATABASE_READ_URLS ?? "")
    .split(",")
    .filter((u) => u.trim() !== "")
    .map((u) => {
      const r = new URL(u.trim());
      r.pathname = name;
      return r.toString();
    });
}

/** Local config pointed at an isolated database, Redis key space and Kafka topic names. */
export function testConfig(overrides: Partial<Config> & { databaseUrl: string }, env: Record<string, string> = {}): Config {
  const base = loadConfig({ APP_ENV: "local", LOG_LEVEL: "silent", ...SCALED_ENV, ...env });
  const id = uniqueId("r");
  return {
    ...base,
    port: 0,
    host: "127.0.0.1",
    redisKeyPrefix: `test:${id}:`,
    kafkaTopicPrefix: `${id}.`,
    databaseReadUrls: readUrlsFor(overrides.databaseUrl),
    ...overrides,
  };
}
