import { Option, type Command } from "commander";

export const DEFAULT_DATABASE_URL = "mysql://root@127.0.0.1:3306/concert";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** --database-url and --redis-url, with the server's own env names as fallbacks (the .env it reads too). */
export function withStoreOptions(cmd: Command, redis = true): Command {
  cmd.addOption(new Option("--database-url <url>", "MySQL/MariaDB URL (the server's DATABASE_URL)").env("DATABASE_URL").default(DEFAULT_DATABASE_URL));
  if (redis) {
    cmd.addOption(new Option("--redis-url <url>", "Redis URL (the server's REDIS_URL)").env("REDIS_URL").default(DEFAULT_REDIS_URL));
    cmd.addOption(new Option("--redis-cluster-nodes <list>", "Redis Cluster nodes host:port,… (the server's REDIS_CLUSTER_NODES)").env("REDIS_CLUSTER_NODES"));
  }
  return cmd;
}
