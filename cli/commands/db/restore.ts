import type { Command } from "commander";
import { restore } from "../../services/db-backup.js";
import { withStoreOptions } from "../../services/db-options.js";
import { detailLines, printJson, printLines } from "../../services/output.js";
import { examples, withJson } from "../command-helpers.js";

export function register(parent: Command): void {
  const cmd = parent
    .command("restore")
    .description("check a backup's checksums and load its MySQL dump into a new database (refused if that database has tables)")
    .argument("<dir>", "a directory written by `db backup`")
    .requiredOption("--database <name>", "the new database to restore into");
  withJson(withStoreOptions(cmd, false));
  examples(cmd, "concert-admin db restore ./concert-2026-05-01T03-00-00-000Z --database concert_restored");
  cmd.action(async (dir: string, opts: { database: string; databaseUrl: string; json?: boolean }) => {
    const r = await restore({ dir, database: opts.database, serverUrl: opts.databaseUrl });
    const redisNote =
      "skipped" in r.manifest.redis
        ? `not in this backup (${r.manifest.redis.skipped})`
        : `${r.manifest.redis.path} verified; to use it, stop Redis, put it in place as its dbfilename and start Redis (with appendonly off for that start)`;
    if (opts.json) {
      printJson({ database: r.database, tables: r.tables, createdAt: r.manifest.createdAt, redis: r.manifest.redis });
      return;
    }
    printLines([
      `restored ${dir} into database ${r.database} (${r.tables} tables, backup of ${r.manifest.mysql.database} taken ${r.manifest.createdAt})`,
      ...detailLines([["redis", redisNote]]),
    ]);
  });
}
