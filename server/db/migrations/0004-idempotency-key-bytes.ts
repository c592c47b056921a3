import type { Sequelize } from "sequelize";

/**
 * Idempotency keys compared byte for byte (SPEC 7.2, issue 12 item 3). The column was VARCHAR with the
 * table's case- and accent-insensitive, trailing-space-padding collation, so `Key-X`, `key-x` and
 * `KEY-X ` were one key and a client with base64 keys lost charges as "replays".
 *
 * VARBINARY rather than utf8mb4_bin: `_bin` collations are PAD SPACE on MariaDB and on MySQL before
 * 0900, so `KEY-X` and `KEY-X ` would still be equal; VARBINARY compares bytes with no padding on both.
 * 512 bytes hold the 128 characters the API allows at up to 4 UTF-8 bytes each.
 *
 * Safe on a table that already holds keys: the bytes are kept as they are (utf8mb4 -> binary), and keys
 * distinct under the looser comparison are distinct byte for byte too, so the primary key cannot collide.
 */
export async function up(db: Sequelize): Promise<void> {
  await db.query("ALTER TABLE idempotency_records MODIFY idempotency_key VARBINARY(512) NOT NULL");
}

/** Fails (duplicate key) if the table meanwhile holds keys that differ only in case or trailing spaces. */
export async function down(db: Sequelize): Promise<void> {
  await db.query("ALTER TABLE idempotency_records MODIFY idempotency_key VARCHAR(128) CHARACTER SET utf8mb4 NOT NULL");
}
