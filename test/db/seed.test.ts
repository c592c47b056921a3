import { describe, expect, it } from "vitest";
import { createSequelize } from "../../server/db/sequelize.js";
import { seedDemo } from "../../server/db/seed.js";
import { createTestDatabase } from "../support/database.js";

describe("demo seed", () => {
  it("creates a few concerts whose schedules have 50 seats each, once", async () => {
    const database = await createTestDatabase();
    const db = createSequelize(database.url);
    try {
      const first = await seedDemo(db);
      expect(first?.concerts).toBeGreaterThanOrEqual(2);
      const [rows] = (await db.query(
        "SELECT s.id, COUNT(t.id) AS seats, MIN(t.seat_number) AS lo, MAX(t.seat_number) AS hi FROM schedules s JOIN seats t ON t.schedule_id = s.id GROUP BY s.id",
      )) as [Array<{ seats: number; lo: number; hi: number }>, unknown];
      expect(rows).toHaveLength(first!.schedules);
      for (const r of rows) expect([Number(r.seats), r.lo, r.hi]).toEqual([50, 1, 50]);
      expect(await seedDemo(db)).toBeUndefined();
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
