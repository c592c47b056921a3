import type { Sequelize } from "sequelize";

/**
 * The fair sale (SPEC 7.3, issue 14): a concert's scheduled opening and its draw's secret seed with
 * the commitment published when the opening was first set (the commitment is stored, not derived, so
 * a later change of the seed is detectable). queue_policies.mode (0005) gets its values
 * 'manual' / 'auto'; the old default 'fifo' reads as manual.
 */
export async function up(db: Sequelize): Promise<void> {
  await db.query(`ALTER TABLE concerts
    ADD COLUMN sales_open_at DATETIME(3) NULL,
    ADD COLUMN draw_seed CHAR(64) NULL,
    ADD COLUMN fairness_commitment CHAR(64) NULL`);
}

export async function down(db: Sequelize): Promise<void> {
  await db.query("ALTER TABLE concerts DROP COLUMN sales_open_at, DROP COLUMN draw_seed, DROP COLUMN fairness_commitment");
}
