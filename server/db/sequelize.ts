import { Sequelize, type Options } from "sequelize";
import { ReadRouting } from "./read-routing.js";

interface Parsed {
  host: string;
  port: number;
  username: string;
  password?: string;
  database: string;
}

export function parseDatabaseUrl(url: string): Parsed {
  const u = new URL(url);
  if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") {
    throw new Error(`DATABASE_URL must start with mysql://, got "${u.protocol}"`);
  }
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username || "root"),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || "concert",
  };
}

const common: Options = {
  dialect: "mysql",
  logging: false,
  timezone: "+00:00",
  benchmark: false,
  // multipleStatements: a transaction's queued statements and its COMMIT go in one round trip (db/prepared.ts).
  // Every value reaching SQL is escaped by Sequelize or mysql2 (replacements, never string-built), so a
  // value can never end a statement and start another.
  dialectOptions: { supportBigNumbers: true, bigNumberStrings: false, dateStrings: false, connectTimeout: 5_000, multipleStatements: true },
  define: { underscored: true, timestamps: false },
};

/** The Sequelize instance: writes go to DATABASE_URL, reads may go to DATABASE_READ_URLS. */
export function createSequelize(url: string, readUrls: string[] = [], poolMax = 20): Sequelize {
  const w = parseDatabaseUrl(url);
  const pool = { max: poolMax, min: 0, acquire: 10_000, idle: 30_000 };
  if (readUrls.length === 0) {
    return new Sequelize(w.database, w.username, w.password, { ...common, host: w.host, port: w.port, pool });
  }
  const reads = readUrls.map(parseDatabaseUrl);
  const db = new Sequelize(w.database, w.username, w.password, {
    ...common,
    pool,
    replication: {
      write: { host: w.host, port: w.port, username: w.username, password: w.password },
      read: reads.map((p) => ({ host: p.host, port: p.port, username: p.username, password: p.password })),
    },
  });
  // SPEC 7.4: only reads wrapped in onReplica() may go to the replicas (server/db/read-routing.ts).
  const routing = new ReadRouting(db, reads.map((p) => ({ ...p, name: `${p.host}:${p.port}` })), common);
  const close = db.close.bind(db);
  db.close = async () => {
    await routing.close();
    await close();
  };
  return db;
}

/** Creates the database named in the URL if it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const p = parseDatabaseUrl(url);
  if (!/^[A-Za-z0-9_]+$/.test(p.database)) throw new Error(`unsupported database name "${p.database}"`);
  const admin = new Sequelize("", p.username, p.password, { ...common, host: p.host, port: p.port });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${p.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.close();
  }
}

/** Drops the database named in the URL (tests only). */
export async function dropDatabase(url: string): Promise<void> {
  const p = parseDatabaseUrl(url);
  if (!/^[A-Za-z0-9_]+$/.test(p.database)) throw new Error(`unsupported database name "${p.database}"`);
  const admin = new Sequelize("", p.username, p.password, { ...common, host: p.host, port: p.port });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${p.database}\``);
  } finally {
    await admin.close();
  }
}
