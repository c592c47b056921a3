import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createSequelize } from "../../server/db/sequelize.js";
import { createMigrator } from "../../server/db/migrator.js";
import { migrations } from "../../server/db/migrations/index.js";
import { createTestDatabase } from "../support/database.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out.sort();
}

describe("schema migrations", () => {
  it("run up from an empty database, record themselves, and run down again", async () => {
    const empty = await createTestDatabase({ migrate: false });
    const db = createSequelize(empty.url);
    try {
      const migrator = createMigrator(db);
      expect((await migrator.pending()).map((m) => m.name)).toEqual(migrations.map((m) => m.name));
      await migrator.up();
      expect(await migrator.pending()).toEqual([]);
      const [tables] = (await db.query("SHOW TABLES")) as [Array<Record<string, string>>, unknown];
      const names = tables.map((t) => Object.values(t)[0]);
      for (const t of ["users", "balances", "concerts", "schedules", "seats", "reservations", "reservation_seats", "payments", "idempotency_records", "outbox"]) {
        expect(names).toContain(t);
      }
      // The unique key that makes double booking impossible even if every other check failed.
      await db.query("INSERT INTO users (id, created_at) VALUES (1, NOW(3))");
      await db.query("INSERT INTO concerts (title, artist, venue, description, created_at, updated_at) VALUES ('t','a','v','',NOW(3),NOW(3))");
      await db.query("INSERT INTO schedules (concert_id, show_date, starts_at, total_seats, created_at) VALUES (1, '2027-01-01', NOW(3), 1, NOW(3))");
      for (let r = 1; r <= 2; r++) {
        await db.query(
          "INSERT INTO reservations (user_id, concert_id, schedule_id, total_price, status, held_until, created_at, updated_at) VALUES (1,1,1,0,'HELD',NOW(3),NOW(3),NOW(3))",
        );
      }
      await db.query("INSERT INTO reservation_seats (reservation_id, schedule_id, seat_number) VALUES (1, 1, 7)");
      await expect(db.query("INSERT INTO reservation_seats (reservation_id, schedule_id, seat_number) VALUES (2, 1, 7)")).rejects.toMatchObject({ name: "SequelizeUniqueConstraintError" });
      await db.query("UPDATE reservation_seats SET live = NULL WHERE reservation_id = 1");
      await db.query("INSERT INTO reservation_seats (reservation_id, schedule_id, seat_number) VALUES (2, 1, 7)");
      // A balance can never go below zero, whatever the code above it does.
      await db.query("INSERT INTO balances (user_id, balance, updated_at) VALUES (1, 5, NOW(3))");
      await expect(db.query("UPDATE balances SET balance = balance - 6 WHERE user_id = 1")).rejects.toThrow();

      await migrator.down({ to: 0 });
      const [after] = (await db.query("SHOW TABLES")) as [Array<Record<string, string>>, unknown];
      expect(after.map((t) => Object.values(t)[0])).toEqual(["schema_migrations"]);
    } finally {
      await db.close();
      await empty.drop();
    }
  });
});

describe("protobuf contract", () => {
  it("gen/ is exactly what `npm run gen` produces from proto/", async () => {
    const out = await mkdtemp(join(tmpdir(), "gen-check-"));
    try {
      await run("node", ["scripts/fetch-validate-proto.mjs"], { cwd: root });
      await run("npx", ["buf", "generate", "-o", out], { cwd: root });
      const fresh = await listFiles(join(out, "gen"));
      const committed = await listFiles(join(root, "gen"));
      expect(committed.map((f) => relative(join(root, "gen"), f))).toEqual(fresh.map((f) => relative(join(out, "gen"), f)));
      for (const f of fresh) {
        const rel = relative(join(out, "gen"), f);
        expect(await readFile(join(root, "gen", rel), "utf8"), `gen/${rel} is stale: run npm run gen`).toBe(await readFile(f, "utf8"));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("passes buf lint", async () => {
    const { stdout, stderr } = await run("npx", ["buf", "lint"], { cwd: root });
    expect(stdout + stderr).toBe("");
  });
});
