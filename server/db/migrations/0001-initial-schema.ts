import type { Sequelize } from "sequelize";

/**
 * Initial schema. Double booking is impossible at the database level: reservation_seats has a
 * unique key on (schedule_id, seat_number, live) where live is 1 while a reservation is HELD or
 * CONFIRMED and NULL afterwards (NULLs never collide in a unique key). A payment is unique per
 * reservation, and balances carry a CHECK that they never go below zero.
 */
const statements = [
  `CREATE TABLE users (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    created_at DATETIME(3) NOT NULL
  ) ENGINE=InnoDB`,
  `CREATE TABLE balances (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    balance BIGINT NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL,
    CONSTRAINT ck_balances_non_negative CHECK (balance >= 0),
    CONSTRAINT fk_balances_user FOREIGN KEY (user_id) REFERENCES users (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE balance_ledger (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    delta BIGINT NOT NULL,
    reason ENUM('CHARGE','PAYMENT') NOT NULL,
    payment_id BIGINT UNSIGNED NULL,
    created_at DATETIME(3) NOT NULL,
    KEY ix_balance_ledger_user (user_id, id),
    CONSTRAINT fk_balance_ledger_user FOREIGN KEY (user_id) REFERENCES users (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE concerts (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    artist VARCHAR(200) NOT NULL,
    venue VARCHAR(200) NOT NULL,
    description TEXT NOT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL
  ) ENGINE=InnoDB`,
  `CREATE TABLE schedules (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    concert_id BIGINT UNSIGNED NOT NULL,
    show_date DATE NOT NULL,
    starts_at DATETIME(3) NOT NULL,
    total_seats INT NOT NULL,
    created_at DATETIME(3) NOT NULL,
    KEY ix_schedules_concert (concert_id, starts_at),
    CONSTRAINT fk_schedules_concert FOREIGN KEY (concert_id) REFERENCES concerts (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE seats (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    schedule_id BIGINT UNSIGNED NOT NULL,
    seat_number INT NOT NULL,
    grade VARCHAR(20) NOT NULL,
    price BIGINT NOT NULL,
    status ENUM('AVAILABLE','HELD','SOLD') NOT NULL DEFAULT 'AVAILABLE',
    reservation_id BIGINT UNSIGNED NULL,
    UNIQUE KEY uq_seats_schedule_number (schedule_id, seat_number),
    KEY ix_seats_schedule_status (schedule_id, status),
    KEY ix_seats_reservation (reservation_id),
    CONSTRAINT fk_seats_schedule FOREIGN KEY (schedule_id) REFERENCES schedules (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE reservations (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    concert_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NOT NULL,
    total_price BIGINT NOT NULL,
    status ENUM('HELD','CONFIRMED','CANCELLED','EXPIRED') NOT NULL,
    held_until DATETIME(3) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    KEY ix_reservations_user (user_id, id),
    KEY ix_reservations_status_until (status, held_until),
    KEY ix_reservations_schedule (schedule_id, status),
    CONSTRAINT fk_reservations_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_reservations_schedule FOREIGN KEY (schedule_id) REFERENCES schedules (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE reservation_seats (
    reservation_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NOT NULL,
    seat_number INT NOT NULL,
    live TINYINT NULL DEFAULT 1,
    PRIMARY KEY (reservation_id, seat_number),
    UNIQUE KEY uq_reservation_seats_live (schedule_id, seat_number, live),
    CONSTRAINT ck_reservation_seats_live CHECK (live IS NULL OR live = 1),
    CONSTRAINT fk_reservation_seats_reservation FOREIGN KEY (reservation_id) REFERENCES reservations (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE payments (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    reservation_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    amount BIGINT NOT NULL,
    paid_at DATETIME(3) NOT NULL,
    UNIQUE KEY uq_payments_reservation (reservation_id),
    KEY ix_payments_user (user_id, id),
    CONSTRAINT fk_payments_reservation FOREIGN KEY (reservation_id) REFERENCES reservations (id)
  ) ENGINE=InnoDB`,
  `CREATE TABLE idempotency_records (
    user_id BIGINT UNSIGNED NOT NULL,
    idempotency_key VARCHAR(128) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    response MEDIUMBLOB NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
  ) ENGINE=InnoDB`,
  `CREATE TABLE outbox (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id CHAR(36) NOT NULL,
    topic VARCHAR(100) NOT NULL,
    message_key VARCHAR(200) NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    payload MEDIUMTEXT NOT NULL,
    created_at DATETIME(3) NOT NULL,
    sent_at DATETIME(3) NULL,
    attempts INT NOT NULL DEFAULT 0,
    UNIQUE KEY uq_outbox_event (event_id),
    KEY ix_outbox_unsent (sent_at, id)
  ) ENGINE=InnoDB`,
];

const tables = [
  "outbox",
  "idempotency_records",
  "payments",
  "reservation_seats",
  "reservations",
  "seats",
  "schedules",
  "concerts",
  "balance_ledger",
  "balances",
  "users",
];

export async function up(db: Sequelize): Promise<void> {
  for (const sql of statements) await db.query(sql);
}

export async function down(db: Sequelize): Promise<void> {
  for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`);
}
