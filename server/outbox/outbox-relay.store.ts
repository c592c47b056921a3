import { QueryTypes, Transaction, type Sequelize } from "sequelize";
import type { TraceHeaders } from "../tracing/tracing.js";

/** An unsent outbox row as the relay reads it. */
export interface OutboxRow {
  id: number;
  eventId: string;
  topic: string;
  key: string;
  type: string;
  payload: string;
  createdAt: Date;
  /** Trace context of the change that wrote the row (NULL columns: none), sent as Kafka headers. */
  trace?: TraceHeaders;
}

/**
 * How the relay reads its batch. "skip-locked" is the product; "unlocked" (a plain SELECT) exists
 * only so the two-relays test can show the duplicate sends that SKIP LOCKED prevents.
 */
export type ClaimMode = "skip-locked" | "unlocked";

interface RawRow {
  id: number | string;
  event_id: string;
  topic: string;
  message_key: string;
  event_type: string;
  payload: string;
  created_at: Date;
  traceparent: string | null;
  tracestate: string | null;
}

/** An event Kafka refused for a reason of its own (see send-failure.ts), with the refusal. */
export interface RefusedRow {
  row: OutboxRow;
  error: string;
}

/** How refusals count: after maxAttempts the event is dead; before that it waits retryDelayMs(failures so far). */
export interface FailurePolicy {
  maxAttempts: number;
  retryMinMs: number;
  retryMaxMs: number;
}

/** A claimed batch: its rows stay locked until commit() or release(), so no other relay can take them. */
export interface ClaimedBatch {
  rows: OutboxRow[];
  /**
   * Rows of a (topic, key) that has an older unsent row this batch does not hold (another relay has
   * it, it waits for a retry, or it is dead): sending them now would overtake that row, so they wait.
   */
  blocked: OutboxRow[];
  markSent(ids: number[]): Promise<void>;
  /** Tried but not judged (Kafka unavailable): counts the try only. */
  markAttempted(ids: number[]): Promise<void>;
  /** Counts a failure per row; rows that reach policy.maxAttempts go dead. Returns those that went dead. */
  markFailed(refused: RefusedRow[], policy: FailurePolicy): Promise<OutboxRow[]>;
  commit(): Promise<void>;
  release(): Promise<void>;
}

/** The outbox's state, read for the metrics on each scrape. */
export interface OutboxHealth {
  /** Unsent rows the relay still tries (not dead, not skipped). */
  unsent: number;
  oldestAgeSeconds: number;
  /** Dead rows the operator has not skipped or replayed. */
  dead: number;
  /** Seconds since the oldest of them went dead (0 when none). */
  oldestDeadAgeSeconds: number;
  /** Unsent rows held back because an older row of their key is dead. */
  blockedByDead: number;
}

/** Heads of failing keys read per claim: beyond this many, their later rows are still held back, just after claiming. */
const FAILING_HEADS_LIMIT = 1000;

/** SQL of the relay: claim, mark, purge, backlog. */
export class SequelizeRelayStore {
  constructor(
    private readonly db: Sequelize,
    private readonly claimMode: ClaimMode = "skip-locked",
  ) {}

  /**
   * Locks the oldest unsent rows nobody else holds. READ COMMITTED, so the locking read takes record
   * locks only (no gap locks): business transactions keep inserting outbox rows while a batch is out,
   * even when the send to a dead Kafka takes seconds.
   */
  async claim(limit: number): Promise<ClaimedBatch> {
    const tx = await this.db.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED });
    try {
      const lock = this.claimMode === "skip-locked" ? "FOR UPDATE SKIP LOCKED" : "";
      // Later rows of a key whose oldest unsent row failed (dead, or waiting for its retry) cannot go
      // this round: leaving them out of the claim keeps them from filling the batch and starving other keys.
      const heads = await this.failingHeads(tx);
      const exclude = heads.map(() => " AND NOT (topic = ? AND message_key = ? AND id > ?)").join("");
      const raw = await this.db.query<RawRow>(
        `SELECT id, event_id, topic, message_key, event_type, payload, created_at, traceparent, tracestate FROM outbox
         WHERE sent_at IS NULL AND dead_at IS NULL AND (retry_at IS NULL OR retry_at <= NOW(3))${exclude}
         ORDER BY id LIMIT ? ${lock}`,
        { replacements: [...heads.flatMap((h) => [h.topic, h.message_key, h.head]), limit], type: QueryTypes.SELECT, transaction: tx },
      );
      const rows = raw.map(toRow);
      const blockedKeys = await this.keysWithOlderUnsent(tx, rows);
      const blocked = rows.filter((r) => blockedKeys.has(keyOf(r)));
      return {
        rows: rows.filter((r) => !blockedKeys.has(keyOf(r))),
        blocked,
        markSent: async (ids) => {
          if (ids.length === 0) return;
          await this.db.query("UPDATE outbox SET sent_at = NOW(3), attempts = attempts + 1, retry_at = NULL WHERE id IN (?)", {
            replacements: [ids],
            transaction: tx,
          });
        },
        markAttempted: async (ids) => {
          if (ids.length === 0) return;
          await this.db.query("UPDATE outbox SET attempts = attempts + 1 WHERE id IN (?)", { replacements: [ids], transaction: tx });
        },
        markFailed: async (refused, policy) => {
          if (refused.length === 0) return [];
          // One UPDATE per distinct error (a refused topic is one statement however many rows). Assignments
          // run left to right (MySQL and MariaDB): dead_at and retry_at read each row's failures before its increment.
          const byError = new Map<string, number[]>();
          for (const r of refused) byError.set(r.error, [...(byError.get(r.error) ?? []), r.row.id]);
          for (const [error, ids] of byError) {
            await this.db.query(
              `UPDATE outbox SET
                 dead_at = IF(failures + 1 >= ?, NOW(3), NULL),
                 retry_at = IF(failures + 1 >= ?, NULL, NOW(3) + INTERVAL LEAST(?, ? * POW(2, failures)) * 1000 MICROSECOND),
                 last_error = ?, attempts = attempts + 1, failures = failures + 1
               WHERE id IN (?)`,
              { replacements: [policy.maxAttempts, policy.maxAttempts, policy.retryMaxMs, policy.retryMinMs, error, ids], transaction: tx },
            );
          }
          const dead = await this.db.query<{ id: number | string }>("SELECT id FROM outbox WHERE id IN (?) AND dead_at IS NOT NULL", {
            replacements: [refused.map((r) => r.row.id)],
            type: QueryTypes.SELECT,
            transaction: tx,
          });
          const deadIds = new Set(dead.map((d) => Number(d.id)));
          return refused.filter((r) => deadIds.has(r.row.id)).map((r) => r.row);
        },
        commit: () => tx.commit(),
        release: () => tx.rollback(),
      };
    } catch (e) {
      await tx.rollback().catch(() => {});
      throw e;
    }
  }

  /** The oldest failing unsent row (dead or refused before) of each key, oldest first, bounded. */
  private failingHeads(tx: Transaction) {
    return this.db.query<{ topic: string; message_key: string; head: number | string }>(
      `SELECT topic, message_key, MIN(id) AS head FROM outbox
       WHERE sent_at IS NULL AND failures > 0 AND skipped_at IS NULL
       GROUP BY topic, message_key ORDER BY head LIMIT ${FAILING_HEADS_LIMIT}`,
      { type: QueryTypes.SELECT, transaction: tx },
    );
  }

  /**
   * (topic, key) pairs of the batch that still have an unsent row outside the batch with a smaller id
   * (held by another relay, waiting for a retry, or dead; a skipped row no longer counts).
   * A non-locking read: it sees rows other relays hold, without waiting for them.
   */
  private async keysWithOlderUnsent(tx: Transaction, rows: OutboxRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const maxId = rows[rows.length - 1]!.id;
    const older = await this.db.query<{ topic: string; message_key: string; min_id: number | string }>(
      `SELECT topic, message_key, MIN(id) AS min_id FROM outbox
       WHERE sent_at IS NULL AND skipped_at IS NULL AND id < ? AND id NOT IN (?) AND message_key IN (?)
       GROUP BY topic, message_key`,
      {
        replacements: [maxId, rows.map((r) => r.id), [...new Set(rows.map((r) => r.key))]],
        type: QueryTypes.SELECT,
        transaction: tx,
      },
    );
    const lastInBatch = new Map<string, number>();
    for (const r of rows) lastInBatch.set(keyOf(r), r.id);
    const blocked = new Set<string>();
    for (const o of older) {
      const k = `${o.topic}\u0000${o.message_key}`;
      const last = lastInBatch.get(k);
      if (last !== undefined && Number(o.min_id) < last) blocked.add(k);
    }
    return blocked;
  }

  /** Deletes sent rows, and skipped ones, older than the retention, a bounded chunk at a time. Returns how many went. */
  async purgeSent(olderThanSeconds: number, chunk = 1000): Promise<number> {
    let total = 0;
    for (const column of ["sent_at", "skipped_at"]) {
      for (;;) {
        const [, meta] = await this.db.query(
          `DELETE FROM outbox WHERE ${column} IS NOT NULL AND ${column} < NOW(3) - INTERVAL ? SECOND ORDER BY ${column}, id LIMIT ?`,
          { replacements: [olderThanSeconds, chunk] },
        );
        const n = affectedRows(meta);
        total += n;
        if (n < chunk) break;
      }
    }
    return total;
  }

  /** Unsent rows still being tried and the oldest one's age; dead rows, the oldest one's time dead, and rows they hold back. */
  async backlog(): Promise<OutboxHealth> {
    const [row] = await this.db.query<{ unsent: number | string | null; oldest_age_ms: number | string | null; dead: number | string | null; oldest_dead_ms: number | string | null }>(
      `SELECT SUM(dead_at IS NULL) AS unsent,
              TIMESTAMPDIFF(MICROSECOND, MIN(IF(dead_at IS NULL, created_at, NULL)), NOW(3)) / 1000 AS oldest_age_ms,
              SUM(dead_at IS NOT NULL) AS dead,
              TIMESTAMPDIFF(MICROSECOND, MIN(dead_at), NOW(3)) / 1000 AS oldest_dead_ms
       FROM outbox WHERE sent_at IS NULL AND skipped_at IS NULL`,
      { type: QueryTypes.SELECT },
    );
    const dead = Number(row?.dead ?? 0);
    let blockedByDead = 0;
    if (dead > 0) {
      const [b] = await this.db.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM outbox o
         JOIN (SELECT topic, message_key, MIN(id) AS head FROM outbox
               WHERE sent_at IS NULL AND failures > 0 AND dead_at IS NOT NULL AND skipped_at IS NULL GROUP BY topic, message_key) d
           ON o.topic = d.topic AND o.message_key = d.message_key AND o.id > d.head
         WHERE o.sent_at IS NULL AND o.dead_at IS NULL`,
        { type: QueryTypes.SELECT },
      );
      blockedByDead = Number(b?.n ?? 0);
    }
    const seconds = (ms: number | string | null | undefined) => (ms == null ? 0 : Math.max(0, Number(ms) / 1000));
    return {
      unsent: Number(row?.unsent ?? 0),
      oldestAgeSeconds: seconds(row?.oldest_age_ms),
      dead,
      oldestDeadAgeSeconds: seconds(row?.oldest_dead_ms),
      blockedByDead,
    };
  }
}

const keyOf = (r: OutboxRow) => `${r.topic}\u0000${r.key}`;

function toRow(r: RawRow): OutboxRow {
  return {
    id: Number(r.id),
    eventId: r.event_id,
    topic: r.topic,
    key: r.message_key,
    type: r.event_type,
    payload: r.payload,
    createdAt: r.created_at,
    ...(r.traceparent ? { trace: { traceparent: r.traceparent, ...(r.tracestate ? { tracestate: r.tracestate } : {}) } } : {}),
  };
}

function affectedRows(meta: unknown): number {
  if (typeof meta === "number") return meta;
  const m = meta as { affectedRows?: number } | undefined;
  return m?.affectedRows ?? 0;
}
