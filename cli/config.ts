/**
 * Everything the CLI reads from its environment, in one place. (The --server, --token and --brokers
 * flags fall back to CONCERT_SERVER, CONCERT_ADMIN_TOKEN and KAFKA_BROKERS through commander, which
 * shows those names in --help; see services/connection-options.ts.)
 */
export interface CliConfig {
  /** APP_ENV: `token mint` refuses in production. */
  appEnv: string;
  /** AUTH_JWT_SECRET, when set (otherwise the server's dev default signs). */
  authJwtSecret?: string;
  /** KAFKA_TOPIC_PREFIX: `events watch` reads the prefixed topics (tests isolate runs with it). */
  kafkaTopicPrefix: string;
}

export function cliConfig(env: Record<string, string | undefined> = process.env): CliConfig {
  return {
    appEnv: env.APP_ENV ?? "local",
    authJwtSecret: env.AUTH_JWT_SECRET || undefined,
    kafkaTopicPrefix: env.KAFKA_TOPIC_PREFIX ?? "",
  };
}
