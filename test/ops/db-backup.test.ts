import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { QueryTypes, type Sequelize } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSequelize, dropDatabase } from "../../server/db/sequelize.js";
import { SequelizeOutboxWriter } from "../../server/outbox/outbox-writer.js";
import { runCli } from "../cli/cli-process.js";
import { BookingSimulator } from "../outbox/support/booking-simulator.js";
import { createTestDatabase } from "../support/database.js";
import { MYSQL_ROOT, uniqueId } from "../support/env.js";

/**
 * SPEC 7.4: `db backup` while bookings run, `db restore` into a new database, and every committed
 * reservation, payment and balance comes back identical.
 */
let source: { url: string; drop(): Promise<void> };
let db: Sequelize;
let sim: BookingSimulator;
let concertId: number;
let scheduleId: number;
const out = mkdtempSync(path.join(os.tmpdir(), "concert-backup-"));
const restored = `concert_${uniqueId("restored")}`;

beforeAll(async () => {
  source = await createTestDatabase();
  db = createSequelize(source.url);
  sim = new BookingSimulator(db, new SequelizeOutboxWriter(db));
  ({ concertId, scheduleIds: [scheduleId] } = await sim.createConcert(1, 5_000).then((c) => ({ concertId: c.concertId, scheduleIds: c.scheduleIds as [number] })));
});

afterAll(async () => {
  await db?.close();
  await source?.drop();
  await dropDatabase(`${MYSQL_ROOT}/${restored}`).catch(() => {});
  rmSync(out, { recursive: true, force: true });
});

/** A top-up: balance and ledger row in one transaction (so balance = sum of the ledger, always). */
async function charge(userId: number, amount: number): Promise<void> {
  await db.transaction(async (tx) => {
    await db.query("INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", { replacements: [userId], transaction: tx });
    await db.query("INSERT INTO balances (user_id, balance, updated_at) VALUES (?, ?, NOW(3)) ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance), updated_at = NOW(3)", {
      replacements: [userId, amount],
      transaction: tx,
    });
    await db.query("INSERT INTO balance_ledger (user_id, delta, reason, created_at) VALUES (?, ?, 'CHARGE', NOW(3))", { replacements: [userId, amount], transaction: tx });
  });
}

/** One fan's visit: a top-up, then hold and pay (or cancel, or keep holding). */
async function visit(userId: number, roll: number): Promise<void> {
  await charge(userId, 50_000 + userId);
  await sim.session(userId, concertId, scheduleId, roll);
}

type Row = Record<string, unknown>;
async function rows(d: Sequelize, table: string): Promise<Map<string, string>> {
  const key = table === "balances" ? ["user_id"] : table === "reservation_seats" ? ["reservation_id", "seat_number"] : ["id"];
  const list = await d.query<Row>(`SELECT * FROM ${table} ORDER BY ${key.join(", ")}`, { type: QueryTypes.SELECT });
  return new Map(list.map((r) => [key.map((k) => String(r[k])).join(":"), JSON.stringify(r)]));
}
const TABLES = ["reservations", "payments", "balances", "balance_ledger", "reservation_seats"] as const;
async function snapshot(d: Sequelize) {
  return Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await rows(d, t)] as const))) as Record<(typeof TABLES)[number], Map<string, string>>;
}

const cliEnv = () => ({ DATABASE_URL: source.url, REDIS_URL: "redis://127.0.0.1:6379", CONCERT_ADMIN_FROM_SOURCE: "1" });

describe("db backup and restore", () => {
  it("backs up while bookings run; the restore has every row committed before the snapshot, identical, and a consistent whole", async () => {
    for (let u = 1; u <= 40; u++) await visit(u, (u % 10) / 10);
    const before = await snapshot(db);
    expect(before.payments.size).toBeGreaterThan(0);

    // Bookings keep committing, from new fans, for as long as the backup runs.
    let running = true;
    let during = 0;
    const load = (async () => {
      for (let u = 1000; running; u++) {
        await visit(u, (u % 10) / 10);
        during++;
      }
    })();
    const backup = await runCli(["db", "backup", "--out", out, "--json"], cliEnv(), 300_000);
    running = false;
    await load;
    expect(backup.code, backup.stderr).toBe(0);
    const manifest = JSON.parse(backup.stdout) as { dir: string; mysql: { sha256: string; database: string }; redis: { sha256?: string; skipped?: string } };
    expect(manifest.mysql.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The Redis part may be skipped (a Redis whose files this machine cannot read), but then says why.
    if (!manifest.redis.sha256) expect(manifest.redis.skipped).toMatch(/\w/);
    expect(during).toBeGreaterThan(0); // writes really ran while the dump was taken

    const r = await runCli(["db", "restore", manifest.dir, "--database", restored, "--json"], cliEnv(), 300_000);
    expect(r.code, r.stderr).toBe(0);
    const copy = createSequelize(`${MYSQL_ROOT}/${restored}`);
    try {
      const after = await snapshot(copy);
      const now = await snapshot(db);
      // 1. everything committed before the backup started is there, byte for byte
      for (const t of TABLES) for (const [id, row] of before[t]) expect(after[t].get(id), `${t} ${id}`).toBe(row);
      // 2. nothing in the copy is invented: payments and ledger rows are never updated, so each equals the source's
      for (const t of ["payments", "balance_ledger"] as const) for (const [id, row] of after[t]) expect(now[t].get(id), `${t} ${id}`).toBe(row);
      // 3. one snapshot, not table by table: every balance equals its ledger, every payment's reservation is CONFIRMED
      const balances = await copy.query<{ user_id: number; balance: number; ledger: number }>(
        "SELECT b.user_id, b.balance, (SELECT SUM(delta) FROM balance_ledger l WHERE l.user_id = b.user_id) AS ledger FROM balances b",
        { type: QueryTypes.SELECT },
      );
      for (const b of balances) expect(Number(b.balance), `user ${b.user_id}`).toBe(Number(b.ledger));
      const orphans = await copy.query("SELECT p.id FROM payments p LEFT JOIN reservations r ON r.id = p.reservation_id WHERE r.status IS NULL OR r.status <> 'CONFIRMED'", { type: QueryTypes.SELECT });
      expect(orphans).toEqual([]);
    } finally {
      await copy.close();
    }
  });

  it("refuses a backup whose files do not match the manifest, and a database that already has tables", async () => {
    const b = await runCli(["db", "backup", "--out", out, "--json"], cliEnv(), 300_000);
    expect(b.code, b.stderr).toBe(0);
    const dir = (JSON.parse(b.stdout) as { dir: string }).dir;

    const intoExisting = await runCli(["db", "restore", dir, "--database", new URL(source.url).pathname.slice(1)], cliEnv());
    expect(intoExisting.code).toBe(1);
    expect(intoExisting.stderr).toMatch(/already exists and has tables/);

    const dump = path.join(dir, "mysql.sql");
    writeFileSync(dump, readFileSync(dump, "utf8").replace(/INSERT INTO `payments`/, "INSERT INTO `payments` /* edited */"));
    const target = `concert_${uniqueId("tampered")}`;
    const tampered = await runCli(["db", "restore", dir, "--database", target], cliEnv());
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/mysql\.sql does not match the manifest.*restore refused/);
    // nothing was created
    const exists = await db.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", { replacements: [target], type: QueryTypes.SELECT });
    expect(exists).toEqual([]);
  });
});
