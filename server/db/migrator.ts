import { Umzug, SequelizeStorage } from "umzug";
import type { Sequelize } from "sequelize";
import { migrations } from "./migrations/index.js";

/** Versioned schema migrations (server/db/migrations), recorded in the schema_migrations table. */
export function createMigrator(db: Sequelize) {
  return new Umzug({
    migrations: migrations.map((m) => ({
      name: m.name,
      up: () => m.up(db),
      down: () => m.down(db),
    })),
    storage: new SequelizeStorage({ sequelize: db, tableName: "schema_migrations" }),
    logger: undefined,
  });
}

export async function migrateUp(db: Sequelize): Promise<string[]> {
  const done = await createMigrator(db).up();
  return done.map((m) => m.name);
}
