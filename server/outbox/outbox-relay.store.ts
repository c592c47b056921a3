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

/** A claimed batch: its rows stay locked until commit() or release(), so no other relay can take them. */
export interface ClaimedBatch {
  rows: OutboxRow[];
  /**
   * Rows of a (topic, key) that has an older unsent row this batch does not hold (another relay has
   * it, or it failed earlier): sending them now would overtake that row, so they wait.
   */
  blocked: OutboxRow[];
  markSent(ids: number[]): Promise<void>;
  markAttempted(ids: number[]): Promise<void>;
  commit(): Promise<void>;
  release(): Promise<void>;
}

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
      const raw = await this.db.query<RawRow>(
        `SELECT id, event_id, topic, message_key, event_type, payload, created_at, traceparent, tracestate FROM outbox
         WHERE sent_at IS NULL ORDER BY id LIMIT ? ${lock}`,
        { replacements: [limit], type: QueryTypes.SELECT, transaction: tx },
      );
      const rows = raw.map(toRow);
      const blockedKeys = await this.keysWithOlderUnsent(tx, rows);
      const blocked = rows.filter((r) => blockedKeys.has(keyOf(r)));
      return {
        rows: rows.filter((r) => !blockedKeys.has(keyOf(r))),
        blocked,
        markSent: async (ids) => {
          if (ids.length === 0) return;
          await this.db.query("UPDATE outbox SET sent_at = NOW(3), attempts = attempts + 1 WHERE id IN (?)", {
            replacements: [ids],
            transaction: tx,
          });
        },
        markAttempted: async (ids) => {
          if (ids.length === 0) return;
          await this.db.query("UPDATE outbox SET attempts = attempts + 1 WHERE id IN (?)", { replacements: [ids], transaction: tx });
        },
        commit: () => tx.commit(),
        release: () => tx.rollback(),
      };
    } catch (e) {
      await tx.rollback().catch(() => {});
      throw e;
    }
  }

  /**
   * (topic, key) pairs of the batch that still have an unsent row outside the batch with a smaller id.
   * A non-locking read: it sees rows other relays hold, without waiting for them.
   */
  private async keysWithOlderUnsent(tx: Transaction, rows: OutboxRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const maxId = rows[rows.length - 1]!.id;
    const older = await this.db.query<{ topic: string; message_key: string; min_id: number | string }>(
      `SELECT topic, message_key, MIN(id) AS min_id FROM outbox
       WHERE sent_at IS NULL AND id < ? AND id NOT IN (?) AND message_key IN (?)
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

  /** Deletes sent rows older than the retention, a bounded chunk at a time. Returns how many went. */
  async purgeSent(olderThanSeconds: number, chunk = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, meta] = await this.db.query(
        "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < NOW(3) - INTERVAL ? SECOND ORDER BY sent_at, id LIMIT ?",
        { replacements: [olderThanSeconds, chunk] },
      );
      const n = affectedRows(meta);
      total += n;
      if (n < chunk) return total;
    }
  }

  /** Unsent rows and the age of the oldest one (0 when there is none). */
  async backlog(): Promise<{ unsent: number; oldestAgeSeconds: number }> {
    const [row] = await this.db.query<{ unsent: number | string; oldest_age_ms: number | string | null }>(
      "SELECT COUNT(*) AS unsent, TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) / 1000 AS oldest_age_ms FROM outbox WHERE sent_at IS NULL",
      { type: QueryTypes.SELECT },
    );
    return { unsent: Number(row?.unsent ?? 0), oldestAgeSeconds: row?.oldest_age_ms == null ? 0 : Math.max(0, Number(row.oldest_age_ms) / 1000) };
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
