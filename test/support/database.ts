import { createSequelize, dropDatabase, ensureDatabase } from "../../server/db/sequelize.js";
import { migrateUp } from "../../server/db/migrator.js";
import { MYSQL_ROOT, uniqueId } from "./env.js";

/** A fresh, migrated database of its own; drop() removes it. */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const url = `${MYSQL_ROOT}/concert_${uniqueId("test")}`;
  await ensureDatabase(url);
  if (opts.migrate !== false) {
    const db = createSequelize(url);
    try {
      await migrateUp(db);
    } finally {
      await db.close();
    }
  }
  return { url, drop: () => dropDatabase(url) };
}
