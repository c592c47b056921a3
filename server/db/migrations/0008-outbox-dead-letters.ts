import type { Sequelize } from "sequelize";

/**
 * Outbox dead letters (SPEC 7.4, issue 15 item 3). Additive only, so it is safe on a database with
 * rows (existing rows get failures 0 and no dead/skip/retry time, i.e. they stay plain unsent or sent):
 *   failures       sends Kafka refused for this event itself (a broker outage does not count)
 *   last_error     the latest refusal, for `concert-admin outbox list`
 *   retry_at       a refused event is not tried again before this (per-event backoff)
 *   dead_at        set when failures reached OUTBOX_MAX_ATTEMPTS: the relay no longer tries it
 *   skipped_at     the operator gave up on a dead event (`outbox skip`): it never goes out and no
 *                  longer holds back later events of its key; purged like sent rows
 * ix_outbox_failing finds the few unsent rows that failed (dead or waiting for a retry) without
 * scanning the backlog: the relay reads them each round to keep their keys' later rows out of its batch.
 */
export async function up(db: Sequelize): Promise<void> {
  await db.query(`ALTER TABLE outbox
    ADD COLUMN failures INT NOT NULL DEFAULT 0,
    ADD COLUMN last_error VARCHAR(1000) NULL,
    ADD COLUMN retry_at DATETIME(3) NULL,
    ADD COLUMN dead_at DATETIME(3) NULL,
    ADD COLUMN skipped_at DATETIME(3) NULL,
    ADD KEY ix_outbox_failing (sent_at, failures, id),
    ADD KEY ix_outbox_skipped (skipped_at)`);
}

export async function down(db: Sequelize): Promise<void> {
  await db.query(`ALTER TABLE outbox
    DROP KEY ix_outbox_skipped,
    DROP KEY ix_outbox_failing,
    DROP COLUMN skipped_at,
    DROP COLUMN dead_at,
    DROP COLUMN retry_at,
    DROP COLUMN last_error,
    DROP COLUMN failures`);
}
