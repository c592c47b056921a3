import { Transaction, type Sequelize } from "sequelize";
import { beginBatched, commit, CommitFailed, control, flushBeforeSequelizeQueries, startedOnServer, type RawConnection } from "./prepared.js";
import type { TransactionRunner } from "./transaction-runner.js";
import { inChildSpan, SpanKind, tracingOn } from "../tracing/tracing.js";
import { DB_SYSTEM } from "./db-tracing.js";

const DEADLOCK = 1213;
const errnoOf = (e: unknown): number | undefined => {
  const err = e as { errno?: number; parent?: { errno?: number }; original?: { errno?: number } } | undefined;
  // Sequelize wraps driver errors (parent/original); statements run through db/prepared.ts throw mysql2's own.
  return err?.parent?.errno ?? err?.original?.errno ?? err?.errno;
};

type PooledConnection = RawConnection & { uuid?: string };
interface PoolManager {
  getConnection(opts: { uuid: string }): Promise<PooledConnection>;
  releaseConnection(c: PooledConnection): void;
  destroyConnection(c: PooledConnection): Promise<void>;
}
/** Connections of the pool whose session isolation this runner has already set to READ COMMITTED. */
const readCommitted = new WeakSet<object>();

/**
 * READ COMMITTED, so a conditional UPDATE locks only the rows it changes (not every row it scans),
 * and locking reads see the latest commit. InnoDB may pick a deadlock victim when two holds touch
 * overlapping seats in different orders; the victim's whole unit of work is simply run again.
 *
 * A transaction costs few round trips: the isolation level is set once per pooled connection
 * (session level) instead of before every transaction as Sequelize does; START TRANSACTION is not
 * sent alone but queued and sent with the first statement, and statements whose results nobody needs
 * before COMMIT (db/prepared.ts `later`) ride with COMMIT, in one multi-statement round trip. MySQL
 * stops a batch at its first failing statement, so such a failure keeps COMMIT from running and the
 * transaction is rolled back as if the statement had been awaited. The unit of work still gets a real
 * Sequelize Transaction (bound to that connection), so `db.query(..., { transaction })` (which first
 * sends anything queued, by a beforeQuery hook) and `afterCommit` work as before.
 * Other code on the shared pool is unaffected by the session level: the relay asks for READ
 * COMMITTED itself, and the remaining transactions (catalogue writes, the sales projection) only
 * lock or upsert, where the two levels behave alike.
 */
export class SequelizeTransactionRunner implements TransactionRunner {
  constructor(private readonly db: Sequelize, private readonly attempts = 5) {
    flushBeforeSequelizeQueries(db);
  }

  run<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    // One span for the whole unit of work, retries included; its statements are its children.
    if (tracingOn()) return inChildSpan("MySQL transaction", SpanKind.CLIENT, { "db.system.name": DB_SYSTEM, "db.operation.name": "TRANSACTION" }, () => this.withRetries(fn));
    return this.withRetries(fn);
  }

  private async withRetries<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(fn);
      } catch (e) {
        if (errnoOf(e) !== DEADLOCK || attempt >= this.attempts) throw e;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  private async once<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const pool = this.db.connectionManager as unknown as PoolManager;
    const tx = new Transaction(this.db, {});
    const handle = tx as unknown as { id: string; connection: PooledConnection; finished?: string; _afterCommitHooks: Array<(t: Transaction) => unknown> };
    const conn = await pool.getConnection({ uuid: handle.id });
    handle.connection = conn;
    conn.uuid = handle.id;
    // A connection in an unknown state (a failed COMMIT/ROLLBACK, a broken socket) is never reused.
    const discard = async () => {
      conn.uuid = undefined;
      await pool.destroyConnection(conn).catch(() => {});
    };
    try {
      if (!readCommitted.has(conn)) {
        await control(conn, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        readCommitted.add(conn);
      }
    } catch (e) {
      await discard();
      throw e;
    }
    beginBatched(tx);
    const rollback = async (e: unknown) => {
      handle.finished = "rollback";
      try {
        // A transaction whose START never left the queue has nothing on the server to undo.
        if (startedOnServer(tx)) await control(conn, "ROLLBACK");
        conn.uuid = undefined;
        pool.releaseConnection(conn);
      } catch {
        await discard();
      }
      throw e;
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (e) {
      return rollback(e);
    }
    handle.finished = "commit";
    try {
      await commit(tx, conn);
    } catch (e) {
      // A queued statement failed in front of COMMIT: COMMIT never ran, the transaction is still open.
      if (!(e instanceof CommitFailed)) return rollback(e);
      await discard();
      throw e.cause;
    }
    conn.uuid = undefined;
    pool.releaseConnection(conn);
    for (const hook of handle._afterCommitHooks) await hook(tx);
    return result;
  }
}

/** True for MySQL's duplicate-key error (a unique constraint refused the row). */
export const isDuplicateKey = (e: unknown) => errnoOf(e) === 1062 || (e as { name?: string })?.name === "SequelizeUniqueConstraintError";
