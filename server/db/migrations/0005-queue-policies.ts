import type { Sequelize } from "sequelize";

/**
 * Queue policies in MySQL, the source of truth (SPEC 7.2, issue 12 item 4): Redis holds a copy the
 * admission script reads, restored from here whenever Redis has lost it, so a flush or a Redis restart
 * never opens a paused sale. `mode` and `paused` are room for policies beyond max_active (SPEC 7.3);
 * today paused mirrors max_active = 0.
 */
export async function up(db: Sequelize): Promise<void> {
  await db.query(`CREATE TABLE queue_policies (
    concert_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    max_active INT UNSIGNED NOT NULL,
    mode VARCHAR(32) NOT NULL DEFAULT 'fifo',
    paused TINYINT(1) NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL,
    CONSTRAINT fk_queue_policies_concert FOREIGN KEY (concert_id) REFERENCES concerts (id)
  ) ENGINE=InnoDB`);
}

export async function down(db: Sequelize): Promise<void> {
  await db.query("DROP TABLE IF EXISTS queue_policies");
}
