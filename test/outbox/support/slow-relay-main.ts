import { runRelayProcess } from "../../../server/outbox/relay-process.js";

/**
 * Test-only relay process (relay-crash.test.ts): `npm run relay` that holds each batch between Kafka's
 * ack and MySQL's commit for argv[2] ms and logs it, so a test can SIGKILL it right there.
 */
const pause = Number(process.argv[2]);
await runRelayProcess((logger) => ({
  afterSendDelayMs: pause,
  onSent: (rows) => logger.info({ ids: rows.map((r) => r.id), eventIds: rows.map((r) => r.eventId) }, "batch acked by kafka, not yet marked sent"),
}));
