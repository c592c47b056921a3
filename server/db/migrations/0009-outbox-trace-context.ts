import type { Sequelize } from "sequelize";

/**
 * W3C trace context of the change that wrote an outbox row (issue 15 item 5): the relay sends it as the
 * message's traceparent/tracestate headers, so the trace of an RPC goes on through Kafka to the
 * consumers. NULL when tracing is off. Nullable columns at the end: an instant ALTER on MariaDB 10.3+
 * and MySQL 8.0, no table rebuild under a busy outbox.
 */
export async function up(db: Sequelize): Promise<void> {
  await db.query("ALTER TABLE outbox ADD COLUMN traceparent VARCHAR(55) NULL, ADD COLUMN tracestate VARCHAR(512) NULL");
}

export async function down(db: Sequelize): Promise<void> {
  await db.query("ALTER TABLE outbox DROP COLUMN tracestate, DROP COLUMN traceparent");
}
