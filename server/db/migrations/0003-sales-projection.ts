import type { Sequelize } from "sequelize";

/**
 * The sales projection (issue 5), fed by the Kafka consumer of reservation-events and payment-events.
 * processed_events is the consumer's dedupe: an event id is inserted in the same transaction as the
 * counter update it causes, so a redelivered event (relay retry, consumer restart) changes nothing.
 * It is keyed by consumer too, so another projection sharing the database keeps its own record.
 */
const statements = [
  `CREATE TABLE processed_events (
    consumer VARCHAR(100) NOT NULL,
    event_id CHAR(36) NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    processed_at DATETIME(3) NOT NULL,
    PRIMARY KEY (consumer, event_id),
    KEY ix_processed_events_at (processed_at)
  ) ENGINE=InnoDB`,
  `CREATE TABLE sales_schedule_stats (
    schedule_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    concert_id BIGINT UNSIGNED NOT NULL,
    held BIGINT NOT NULL DEFAULT 0,
    sold BIGINT NOT NULL DEFAULT 0,
    revenue BIGINT NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL,
    KEY ix_sales_schedule_stats_concert (concert_id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE sales_concert_stats (
    concert_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    held BIGINT NOT NULL DEFAULT 0,
    sold BIGINT NOT NULL DEFAULT 0,
    revenue BIGINT NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL
  ) ENGINE=InnoDB`,
];

export async function up(db: Sequelize): Promise<void> {
  for (const sql of statements) await db.query(sql);
}

export async function down(db: Sequelize): Promise<void> {
  for (const t of ["sales_concert_stats", "sales_schedule_stats", "processed_events"]) await db.query(`DROP TABLE IF EXISTS ${t}`);
}
