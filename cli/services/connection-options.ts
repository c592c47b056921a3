import { Command, Option } from "commander";
import { usageError } from "./cli-error.js";

export const DEFAULT_SERVER = "http://127.0.0.1:8080";
export const DEFAULT_BROKERS = "127.0.0.1:9092";

export interface ServerConnection {
  server: string;
  token?: string;
}

/** Adds --server and --token (with their env fallbacks, shown in --help) to a command that calls the server. */
export function withServerOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--server <url>", "server base URL").env("CONCERT_SERVER").default(DEFAULT_SERVER))
    .addOption(new Option("--token <jwt>", "admin JWT (role \"admin\"); mint a local one with `token mint --admin`").env("CONCERT_ADMIN_TOKEN"));
}

/** Adds --brokers (env KAFKA_BROKERS) to a command that reads Kafka. */
export function withKafkaOptions(cmd: Command): Command {
  return cmd.addOption(new Option("--brokers <list>", "Kafka bootstrap brokers, comma-separated").env("KAFKA_BROKERS").default(DEFAULT_BROKERS));
}

/** Checks --server early so a typo is a usage error instead of a confusing network failure. */
export function serverConnection(opts: { server?: string; token?: string }): ServerConnection {
  const raw = (opts.server ?? DEFAULT_SERVER).trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--server must be a URL such as ${DEFAULT_SERVER}, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`--server must start with http:// or https://, got "${raw}"`);
  }
  const token = opts.token?.trim().replace(/^Bearer\s+/i, "");
  return { server: raw.replace(/\/+$/, ""), token: token || undefined };
}

export function brokerList(raw: string | undefined): string[] {
  const brokers = (raw ?? DEFAULT_BROKERS)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw usageError(`--brokers must list at least one host:port, such as ${DEFAULT_BROKERS}`);
  for (const b of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw usageError(`--brokers entries must be host:port, got "${b}"`);
  }
  return brokers;
}
