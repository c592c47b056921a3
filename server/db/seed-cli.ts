import { loadConfig, loadDotenvFile } from "../config/config.js";
import { createSequelize } from "./sequelize.js";
import { seedDemo } from "./seed.js";

/** `npm run db:seed`: demo concerts for local use; leaves a database that already has concerts alone. */
loadDotenvFile();
const db = createSequelize(loadConfig().databaseUrl);
try {
  const done = await seedDemo(db);
  console.log(done ? `seeded ${done.concerts} concerts with ${done.schedules} schedules of 50 seats` : "concerts exist already; nothing seeded");
} finally {
  await db.close();
}
