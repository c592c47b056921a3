import type { Sequelize } from "sequelize";

/**
 * Waiting lists of sold-out schedules (SPEC 7.3, issue 14 item 5): a promise to a fan, so it lives in
 * MySQL. List order is ascending id. `live` is 1 while an entry is WAITING or OFFERED and NULL after,
 * so the unique key admits one live entry per fan and schedule (NULLs never collide). An offer is a
 * normal HELD reservation that points back at its entry (`reservations.waiting_list_entry_id`).
 */
export async function up(db: Sequelize): Promise<void> {
  await db.query(`CREATE TABLE waiting_list_entries (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    schedule_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    seat_count TINYINT UNSIGNED NOT NULL,
    state ENUM('WAITING','OFFERED','PURCHASED','OFFER_EXPIRED','DECLINED','LEFT') NOT NULL,
    reservation_id BIGINT UNSIGNED NULL,
    live TINYINT NULL DEFAULT 1,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    UNIQUE KEY uq_waiting_list_live (schedule_id, user_id, live),
    KEY ix_waiting_list_state (schedule_id, state, id),
    KEY ix_waiting_list_user (user_id, schedule_id, id),
    KEY ix_waiting_list_reservation (reservation_id),
    CONSTRAINT ck_waiting_list_live CHECK (live IS NULL OR live = 1),
    CONSTRAINT ck_waiting_list_count CHECK (seat_count BETWEEN 1 AND 4),
    CONSTRAINT fk_waiting_list_schedule FOREIGN KEY (schedule_id) REFERENCES schedules (id)
  ) ENGINE=InnoDB`);
  await db.query("ALTER TABLE reservations ADD COLUMN waiting_list_entry_id BIGINT UNSIGNED NULL");
}

export async function down(db: Sequelize): Promise<void> {
  await db.query("ALTER TABLE reservations DROP COLUMN waiting_list_entry_id");
  await db.query("DROP TABLE IF EXISTS waiting_list_entries");
}
