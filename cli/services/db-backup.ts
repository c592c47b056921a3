import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { CliError, usageError } from "./cli-error.js";
import { ExitCode } from "./exit-codes.js";

/**
 * `db backup` / `db restore` (SPEC 7.4). A backup is a directory: mysql.sql (one consistent snapshot,
 * mariadb-dump/mysqldump --single-transaction), redis.rdb (a BGSAVE snapshot, when this machine can
 * read the Redis server's files) and manifest.json with the sha256 of each file.
 */

export const MANIFEST = "manifest.json";

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: 1;
  createdAt: string;
  mysql: ManifestFile & { database: string; tool: string };
  redis: (ManifestFile & { source: string }) | { skipped: string };
}

interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function mysqlTarget(url: string, flag = "--database-url"): MysqlTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError(`${flag} must be a URL such as mysql://root@127.0.0.1:3306/concert, got "${url}"`);
  }
  if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") throw usageError(`${flag} must start with mysql://, got "${url}"`);
  return {
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")),
  };
}

export function databaseName(name: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw usageError(`--database must be 1-64 letters, digits or underscores, got "${name}"`);
  return name;
}

/** The first of the tools found on PATH (MariaDB names first: the MySQL names are often its symlinks). */
async function tool(names: string[]): Promise<string> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const n of names) if (dir && existsSync(path.join(dir, n))) return n;
  }
  throw new CliError(`none of ${names.join(", ")} is installed: install the MariaDB or MySQL client (Debian: apt-get install mariadb-client)`);
}

function connectionArgs(t: MysqlTarget): string[] {
  return [`--host=${t.host}`, `--port=${t.port}`, `--user=${t.user}`, "--protocol=TCP"];
}

/** Runs a client tool; the password goes through MYSQL_PWD, never the command line (ps shows that). */
function run(cmd: string, args: string[], t: MysqlTarget, io: { stdinFile?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, MYSQL_PWD: t.password }, stdio: [io.stdinFile ? "pipe" : "ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    if (io.stdinFile) createReadStream(io.stdinFile).pipe(child.stdin!);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new CliError(`${cmd} failed (exit ${code}): ${stderr.trim().split("\n").pop() ?? ""}`))));
  });
}

export async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

async function describeFile(dir: string, name: string): Promise<ManifestFile> {
  const full = path.join(dir, name);
  return { path: name, bytes: (await stat(full)).size, sha256: await sha256(full) };
}

async function dumpMysql(t: MysqlTarget, dir: string): Promise<Manifest["mysql"]> {
  if (!t.database) throw usageError("--database-url must name the database to back up, such as mysql://root@127.0.0.1:3306/concert");
  const dump = await tool(["mariadb-dump", "mysqldump"]);
  // --single-transaction: one InnoDB snapshot for every table, taken without locking writers out;
  // every transaction committed before it is in the dump, none after it.
  await run(dump, [...connectionArgs(t), "--single-transaction", "--quick", "--skip-lock-tables", "--routines", "--triggers", "--hex-blob", "--no-tablespaces", "--default-character-set=utf8mb4", `--result-file=${path.join(dir, "mysql.sql")}`, t.database], t);
  return { ...(await describeFile(dir, "mysql.sql")), database: t.database, tool: dump };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** BGSAVE, wait for LASTSAVE to move, copy the RDB file; or the reason it could not be done from here. */
async function snapshotRedis(redisUrl: string, clusterNodes: string | undefined, dir: string, timeoutMs: number): Promise<Manifest["redis"]> {
  if (clusterNodes) return { skipped: "Redis Cluster (REDIS_CLUSTER_NODES): back up each primary's own snapshots (their RDB/AOF files)" };
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    const before = await redis.lastsave();
    try {
      await redis.bgsave();
    } catch (e) {
      // One already running is as good: wait for it like for ours.
      if (!/in progress/i.test(String(e))) return { skipped: `BGSAVE refused: ${e instanceof Error ? e.message : String(e)}` };
    }
    const end = Date.now() + timeoutMs;
    while ((await redis.lastsave()) === before) {
      const info = await redis.info("persistence");
      if (/rdb_last_bgsave_status:err/.test(info) && !/rdb_bgsave_in_progress:1/.test(info)) return { skipped: "BGSAVE failed on the Redis server (rdb_last_bgsave_status:err; see its log)" };
      if (Date.now() > end) return { skipped: `BGSAVE did not finish within ${timeoutMs / 1000} s` };
      await sleep(200);
    }
    let file: string;
    try {
      const [, rdbDir] = (await redis.config("GET", "dir")) as string[];
      const [, rdbName] = (await redis.config("GET", "dbfilename")) as string[];
      file = path.join(rdbDir!, rdbName!);
    } catch (e) {
      return { skipped: `snapshot written, but CONFIG GET is not allowed, so its file cannot be found: ${e instanceof Error ? e.message : String(e)}` };
    }
    try {
      await copyFile(file, path.join(dir, "redis.rdb"));
    } catch (e) {
      return { skipped: `snapshot written to ${file} on the Redis host, not readable from here (${(e as NodeJS.ErrnoException).code ?? e}): copy it from that host` };
    }
    return { ...(await describeFile(dir, "redis.rdb")), source: file };
  } catch (e) {
    return { skipped: `Redis unreachable at ${redisUrl}: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    redis.disconnect();
  }
}

export async function backup(opts: { databaseUrl: string; redisUrl: string; redisClusterNodes?: string; outDir: string; redisTimeoutMs?: number }): Promise<{ dir: string; manifest: Manifest }> {
  const t = mysqlTarget(opts.databaseUrl);
  const createdAt = new Date().toISOString();
  const dir = path.resolve(opts.outDir, `${t.database || "backup"}-${createdAt.replace(/[:.]/g, "-")}`);
  await mkdir(dir, { recursive: true });
  const mysql = await dumpMysql(t, dir);
  const redis = await snapshotRedis(opts.redisUrl, opts.redisClusterNodes, dir, opts.redisTimeoutMs ?? 120_000);
  const manifest: Manifest = { format: 1, createdAt, mysql, redis };
  await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest };
}

/** The manifest, after checking every file it lists against its size and sha256. */
export async function verifiedManifest(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), "utf8")) as Manifest;
  } catch (e) {
    throw new CliError(`${path.join(dir, MANIFEST)} is missing or not JSON (${(e as Error).message}): pass a directory written by \`concert-admin db backup\``, ExitCode.notFound);
  }
  const files: ManifestFile[] = [manifest.mysql];
  if ("sha256" in manifest.redis) files.push(manifest.redis);
  for (const f of files) {
    const full = path.join(dir, path.basename(f.path));
    const actual = existsSync(full) ? await sha256(full) : "missing";
    if (actual !== f.sha256) {
      throw new CliError(`${f.path} does not match the manifest (sha256 ${actual === "missing" ? "of a missing file" : actual.slice(0, 12) + "…"}, manifest says ${f.sha256.slice(0, 12)}…): the backup is damaged or was changed; restore refused`);
    }
  }
  return manifest;
}

/** Loads mysql.sql into a new (or existing but empty) database on the server of `serverUrl`. */
export async function restore(opts: { dir: string; database: string; serverUrl: string }): Promise<{ manifest: Manifest; database: string; tables: number }> {
  const database = databaseName(opts.database);
  const manifest = await verifiedManifest(opts.dir);
  const t = { ...mysqlTarget(opts.serverUrl), database };
  const { createConnection } = await import("mysql2/promise");
  const conn = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password }).catch((e: Error) => {
    throw new CliError(`cannot reach MySQL at ${t.host}:${t.port} (${e.message}): point --database-url or DATABASE_URL at it`, ExitCode.unreachable);
  });
  try {
    const [rows] = await conn.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?", [database]);
    if (Number((rows as { n: number }[])[0]!.n) > 0) {
      throw new CliError(`database ${database} already exists and has tables: restore into a new database (--database another_name), or drop it yourself first`);
    }
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
  const client = await tool(["mariadb", "mysql"]);
  await run(client, [...connectionArgs(t), "--default-character-set=utf8mb4", database], t, { stdinFile: path.join(opts.dir, "mysql.sql") });
  const check = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
  try {
    const [rows] = await check.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?", [database]);
    return { manifest, database, tables: Number((rows as { n: number }[])[0]!.n) };
  } finally {
    await check.end();
  }
}
