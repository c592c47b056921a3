import { loadConfig, loadDotenvFile } from "../config/config.js";
import { createSequelize, ensureDatabase } from "./sequelize.js";
import { migrateUp } from "./migrator.js";

/** `npm run db:migrate`: creates the database if missing and applies pending migrations. */
loadDotenvFile();
const config = loadConfig();
await ensureDatabase(config.databaseUrl);
const db = createSequelize(config.databaseUrl);
try {
  const applied = await migrateUp(db);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} finally {
  await db.close();
}
