import type { Command } from "commander";
import { backup, type Manifest } from "../../services/db-backup.js";
import { withStoreOptions } from "../../services/db-options.js";
import { detailLines, printJson, printLines } from "../../services/output.js";
import { examples, withJson } from "../command-helpers.js";

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

export function redisLine(redis: Manifest["redis"]): string {
  return "skipped" in redis ? `skipped: ${redis.skipped}` : `${redis.path}  ${size(redis.bytes)}  sha256 ${redis.sha256}  (from ${redis.source})`;
}

export function register(parent: Command): void {
  const cmd = parent
    .command("backup")
    .description("write a consistent MySQL dump, a Redis snapshot and a manifest with checksums into a new directory under --out")
    .option("--out <dir>", "where the backup directory is created", ".");
  withJson(withStoreOptions(cmd));
  examples(cmd, "concert-admin db backup --out /var/backups/concert", "concert-admin db backup --out /backups --json | jq -r .dir");
  cmd.action(async (opts: { out: string; databaseUrl: string; redisUrl: string; redisClusterNodes?: string; json?: boolean }) => {
    const { dir, manifest } = await backup({ databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl, redisClusterNodes: opts.redisClusterNodes, outDir: opts.out });
    if (opts.json) {
      printJson({ dir, ...manifest });
      return;
    }
    printLines([
      `backup written to ${dir}`,
      ...detailLines([
        ["mysql", `${manifest.mysql.path}  ${size(manifest.mysql.bytes)}  sha256 ${manifest.mysql.sha256}  (database ${manifest.mysql.database}, ${manifest.mysql.tool} --single-transaction)`],
        ["redis", redisLine(manifest.redis)],
      ]),
    ]);
  });
}
