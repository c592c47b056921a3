import { QueryTypes, Transaction, type Sequelize } from "sequelize";
import type { EventTopic } from "./outbox-event.js";
import type { DeadEvent, DeadEventChange, DeadEventFilter, DeadEventSelection, DeadEventsRepository } from "./dead-events.repository.js";

interface RawDead {
  id: number | string;
  event_id: string;
  topic: EventTopic;
  message_key: string;
  event_type: string;
  failures: number;
  last_error: string | null;
  created_at: Date;
  dead_at: Date;
  skipped_at: Date | null;
  payload_bytes: number | string;
}

/** Dead = unsent with dead_at set; `failures > 0` (always true of them) lets the query use ix_outbox_failing. */
const DEAD = "sent_at IS NULL AND failures > 0 AND dead_at IS NOT NULL";

export class SequelizeDeadEventsRepository implements DeadEventsRepository {
  constructor(private readonly db: Sequelize) {}

  async list(f: DeadEventFilter): Promise<{ events: DeadEvent[]; totalDead: number; more: boolean }> {
    const where = [DEAD, "id > ?"];
    const args: unknown[] = [f.afterId];
    if (!f.includeSkipped) where.push("skipped_at IS NULL");
    if (f.topic) {
      where.push("topic = ?");
      args.push(f.topic);
    }
    const raw = await this.db.query<RawDead>(
      `SELECT id, event_id, topic, message_key, event_type, failures, last_error, created_at, dead_at, skipped_at, LENGTH(payload) AS payload_bytes
       FROM outbox WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`,
      { replacements: [...args, f.limit + 1], type: QueryTypes.SELECT },
    );
    const more = raw.length > f.limit;
    const page = raw.slice(0, f.limit);
    const blocked = new Map<number, number>();
    const live = page.filter((r) => r.skipped_at === null).map((r) => Number(r.id));
    if (live.length > 0) {
      const counts = await this.db.query<{ id: number | string; n: number | string }>(
        `SELECT d.id, COUNT(o.id) AS n FROM outbox d
         LEFT JOIN outbox o ON o.sent_at IS NULL AND o.dead_at IS NULL AND o.topic = d.topic AND o.message_key = d.message_key AND o.id > d.id
         WHERE d.id IN (?) GROUP BY d.id`,
        { replacements: [live], type: QueryTypes.SELECT },
      );
      for (const c of counts) blocked.set(Number(c.id), Number(c.n));
    }
    const [total] = await this.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM outbox WHERE ${DEAD} AND skipped_at IS NULL`, { type: QueryTypes.SELECT });
    return {
      events: page.map((r) => ({
        id: Number(r.id),
        eventId: r.event_id,
        topic: r.topic,
        key: r.message_key,
        type: r.event_type,
        failures: r.failures,
        lastError: r.last_error ?? "",
        createdAt: new Date(r.created_at),
        deadAt: new Date(r.dead_at),
        skippedAt: r.skipped_at === null ? undefined : new Date(r.skipped_at),
        blocked: blocked.get(Number(r.id)) ?? 0,
        payloadBytes: Number(r.payload_bytes),
      })),
      totalDead: Number(total?.n ?? 0),
      more,
    };
  }

  replay(selection: DeadEventSelection): Promise<DeadEventChange> {
    // A fresh count: the event gets OUTBOX_MAX_ATTEMPTS tries again. last_error stays as history.
    return this.change(selection, "dead_at = NULL, retry_at = NULL, failures = 0");
  }

  skip(selection: DeadEventSelection): Promise<DeadEventChange> {
    return this.change(selection, "skipped_at = NOW(3)");
  }

  /** Locks the selected rows, checks every named one is dead, changes them all or none. */
  private async change(selection: DeadEventSelection, set: string): Promise<DeadEventChange> {
    return this.db.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, async (tx) => {
      const topicFilter = "all" in selection && selection.topic ? " AND topic = ?" : "";
      const topicArg = "all" in selection && selection.topic ? [selection.topic] : [];
      let ids: number[];
      if ("ids" in selection) {
        const want = [...new Set(selection.ids)].sort((a, b) => a - b);
        const rows = await this.db.query<{ id: number | string }>(
          `SELECT id FROM outbox WHERE id IN (?) AND ${DEAD} AND skipped_at IS NULL ORDER BY id FOR UPDATE`,
          { replacements: [want], type: QueryTypes.SELECT, transaction: tx },
        );
        ids = rows.map((r) => Number(r.id));
        const found = new Set(ids);
        const notDead = want.filter((id) => !found.has(id));
        if (notDead.length > 0) return { ids: [], notDead, remaining: 0 };
      } else {
        const rows = await this.db.query<{ id: number | string }>(
          `SELECT id FROM outbox WHERE ${DEAD} AND skipped_at IS NULL${topicFilter} ORDER BY id LIMIT ? FOR UPDATE`,
          { replacements: [...topicArg, selection.limit], type: QueryTypes.SELECT, transaction: tx },
        );
        ids = rows.map((r) => Number(r.id));
      }
      if (ids.length > 0) await this.db.query(`UPDATE outbox SET ${set} WHERE id IN (?)`, { replacements: [ids], transaction: tx });
      let remaining = 0;
      if ("all" in selection) {
        const [left] = await this.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM outbox WHERE ${DEAD} AND skipped_at IS NULL${topicFilter}`, {
          replacements: topicArg,
          type: QueryTypes.SELECT,
          transaction: tx,
        });
        remaining = Number(left?.n ?? 0);
      }
      return { ids, notDead: [], remaining };
    });
  }
}
