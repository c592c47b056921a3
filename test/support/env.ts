import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../server/config/config.js";

export const MYSQL_ROOT = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

/** A unique suffix per test file run, for database names, Redis key prefixes and topic prefixes. */
export const uniqueId = (label = "t") => `${label}_${process.pid}_${randomBytes(4).toString("hex")}`;

/** Local config pointed at an isolated database, Redis key space and Kafka topic names. */
export function testConfig(overrides: Partial<Config> & { databaseUrl: string }, env: Record<string, string> = {}): Config {
  const base = loadConfig({ APP_ENV: "local", LOG_LEVEL: "silent", ...env });
  const id = uniqueId("r");
  return { ...base, port: 0, host: "127.0.0.1", redisKeyPrefix: `test:${id}:`, kafkaTopicPrefix: `${id}.`, ...overrides };
}
