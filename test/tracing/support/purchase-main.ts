import { createRequire } from "node:module";
import { QueryTypes } from "sequelize";
import { loadConfig } from "../../../server/config/config.js";
import { build } from "../../../server/server.js";
import { fan, seedConcert } from "../../support/booking-api.js";

/**
 * Test-only process (tracing-off.test.ts): a server configured from this process's environment alone,
 * as `npm start` would be, runs HoldSeats, waits until the relay sent the event, shuts down and prints
 * one JSON line: which OpenTelemetry modules were loaded and what the outbox row stored as traceparent.
 * The SDK and the exporter are CommonJS packages, so every file of theirs that ran is in require.cache.
 */
const config = loadConfig(process.env);
const app = await build(config);
const { url } = await app.listen(0, "127.0.0.1");
const { concertId, scheduleId } = await seedConcert(url);
const f = await fan(url, 100, concertId);
await f.reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [1] });
const db = app.infra.db;
let row: { traceparent: string | null; sent_at: Date | null } | undefined;
for (let i = 0; i < 200 && !row?.sent_at; i++) {
  [row] = await db.query<{ traceparent: string | null; sent_at: Date | null }>(
    "SELECT traceparent, sent_at FROM outbox WHERE event_type = 'SeatsHeld' ORDER BY id DESC LIMIT 1",
    { type: QueryTypes.SELECT },
  );
  if (!row?.sent_at) await new Promise((r) => setTimeout(r, 100));
}
await app.close();
const loaded = Object.keys(createRequire(import.meta.url).cache)
  .map((p) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(p)?.[1])
  .filter((p): p is string => p !== undefined);
console.log(JSON.stringify({ loaded: [...new Set(loaded)].sort(), traceparent: row?.traceparent ?? null, sent: Boolean(row?.sent_at) }));
process.exit(0);
