import type { Sequelize, Transaction } from "sequelize";
import type { OutboxEvent } from "./outbox-event.js";
import { later } from "../db/prepared.js";
import { activeTraceHeaders, tracingOn } from "../tracing/tracing.js";

/** Port: records events inside the caller's transaction, so an event exists exactly when its change does. */
export interface OutboxWriter {
  append(tx: Transaction, events: OutboxEvent[]): Promise<void>;
}

export class SequelizeOutboxWriter implements OutboxWriter {
  /**
   * @param onCommit called after a transaction that appended events commits: the in-process relay
   *   uses it to send at once instead of waiting for its next poll (a relay in another process still polls).
   */
  constructor(
    private readonly db: Sequelize,
    private readonly onCommit?: () => void,
  ) {}

  async append(tx: Transaction, events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    // The trace of the change travels with its events (the relay sends it as Kafka headers); untraced, the statement is unchanged.
    const traced = tracingOn() ? activeTraceHeaders() : undefined;
    if (traced) {
      const rows = events.map(() => "(?, ?, ?, ?, ?, NOW(3), ?, ?)").join(", ");
      await later(tx, `INSERT INTO outbox (event_id, topic, message_key, event_type, payload, created_at, traceparent, tracestate) VALUES ${rows}`,
        events.flatMap((e) => [e.eventId, e.topic, e.key, e.type, e.payload, traced.traceparent ?? null, traced.tracestate ?? null]));
    } else {
      const rows = events.map(() => "(?, ?, ?, ?, ?, NOW(3))").join(", ");
      // Queued on the transaction (db/prepared.ts later): it goes out with COMMIT in the same round
      // trip, and a failure stops the batch before COMMIT, so the event still exists exactly when its change does.
      await later(tx, `INSERT INTO outbox (event_id, topic, message_key, event_type, payload, created_at) VALUES ${rows}`,
        events.flatMap((e) => [e.eventId, e.topic, e.key, e.type, e.payload]));
    }
    const notify = this.onCommit;
    if (notify) tx.afterCommit(() => notify());
  }
}
