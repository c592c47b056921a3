import type { Sequelize, Transaction } from "sequelize";
import { context, inChildSpan, recordFailure, SpanKind, startSpan, trace, tracingOn } from "../tracing/tracing.js";
import { statementOf } from "./db-tracing.js";

/** What a data-changing statement reports (mysql2's ResultSetHeader; the pool runs with -FOUND_ROWS, so rows changed). */
export interface Changed {
  affectedRows: number;
  insertId: number;
}

export type Params = Array<string | number | null>;
type Callback = (err: Error | null, result: unknown) => void;
/** The mysql2 connection under a Sequelize transaction (Sequelize's pool holds mysql2 connections). */
export interface RawConnection {
  execute(sql: string, params: Params, cb: Callback): unknown;
  query(sql: string, cb: Callback): unknown;
  format(sql: string, params: Params): string;
}

export const connectionOf = (tx: Transaction): RawConnection => (tx as unknown as { connection: RawConnection }).connection;

/** A statement of a batch; `onError` turns the store's refusal (a unique key) into the domain's error. */
export interface Statement {
  sql: string;
  params: Params;
  onError?: (e: unknown) => unknown;
}

/**
 * The statements a batching transaction (SequelizeTransactionRunner) has queued but not sent yet:
 * START TRANSACTION first, then every `later()` statement. They travel with the next statement whose
 * result is needed, or with COMMIT, as ONE multi-statement round trip (the pool runs with
 * multipleStatements). MySQL stops a batch at its first failing statement, so a statement queued
 * before COMMIT that fails (a unique key, a CHECK, a deadlock) keeps COMMIT from running.
 */
interface Pending {
  statements: Statement[];
  /** Some batch went out: the server has an open transaction to roll back. */
  sent: boolean;
}
const pending = new WeakMap<Transaction, Pending>();

/** The runner starts a batching transaction: START TRANSACTION rides with its first statement. */
export function beginBatched(tx: Transaction): void {
  pending.set(tx, { statements: [{ sql: "START TRANSACTION", params: [] }], sent: false });
}

/** True when the server has seen this transaction's START (so ROLLBACK has something to undo). */
export const startedOnServer = (tx: Transaction): boolean => pending.get(tx)?.sent ?? true;

/** A failure of a batch's own COMMIT (the transaction's outcome is unknown) as opposed to a statement before it. */
export class CommitFailed extends Error {
  constructor(readonly cause: unknown) {
    super((cause as Error)?.message ?? "COMMIT failed");
  }
}

/**
 * A statement as a server-side prepared statement on the transaction's own connection (mysql2 keeps
 * one per SQL text per connection, so after the first call it is one round trip with no SQL
 * formatting). The hot purchase path uses it because Sequelize's query builder and result processing
 * cost more CPU than the statement itself (README, Performance). Numbers bind as DOUBLE, exact for
 * every id and amount below 2^53; times bind as DATETIME(3) strings (sqlTime) so milliseconds survive.
 * Queued statements of a batching transaction go out with it in one round trip (then as text).
 */
export function run<T = Changed>(tx: Transaction, sql: string, params: Params): Promise<T> {
  const queued = pending.get(tx);
  if (queued && queued.statements.length > 0) return runAll<T>(tx, [{ sql, params }]).then((r) => r[0]!);
  if (tracingOn()) {
    const st = statementOf(sql);
    return inChildSpan(st.name, SpanKind.CLIENT, st.attributes, () => execute<T>(tx, sql, params));
  }
  return execute<T>(tx, sql, params);
}

/**
 * Several statements whose results are needed, in one round trip together with anything queued;
 * returns their results in order. On a failure nothing after the failing statement ran; the
 * transaction is still open (the runner rolls it back).
 */
export function runAll<T = Changed>(tx: Transaction, statements: Statement[]): Promise<T[]> {
  const queued = pending.get(tx);
  if (!queued) return sequentially<T>(tx, statements);
  const batch = [...queued.statements, ...statements];
  queued.statements = [];
  queued.sent = true;
  return sendBatch(connectionOf(tx), batch).then((rs) => rs.slice(batch.length - statements.length) as T[]);
}

/**
 * A statement whose result nobody needs before COMMIT (an outbox row, a ledger line, a stored
 * response): queued on a batching transaction and sent with the next `run`/`runAll` or with COMMIT.
 * Only statements without a row-count check may be queued: a check must see its result before
 * COMMIT can be sent. On a transaction that does not batch, it runs at once.
 */
export async function later(tx: Transaction, sql: string, params: Params, onError?: (e: unknown) => unknown): Promise<void> {
  const queued = pending.get(tx);
  if (queued) queued.statements.push({ sql, params, onError });
  else await sequentially(tx, [{ sql, params, onError }]);
}

/** Sends what is queued (before a statement that does not go through this module, e.g. a Sequelize query). */
export async function flush(tx: Transaction): Promise<void> {
  const queued = pending.get(tx);
  if (queued && queued.statements.length > 0) await runAll(tx, []);
}

/**
 * COMMIT, with whatever is still queued in front of it, in one round trip. A failing queued statement
 * is thrown as itself (COMMIT never ran, the transaction is open); a failing COMMIT as CommitFailed.
 */
export async function commit(tx: Transaction, conn: RawConnection): Promise<void> {
  const queued = pending.get(tx);
  if (!queued) return control(conn, "COMMIT").catch((e) => Promise.reject(new CommitFailed(e)));
  pending.delete(tx);
  // Nothing ever reached the server (only START is queued): there is nothing to commit.
  if (!queued.sent && queued.statements.length <= 1) return;
  const batch = [...queued.statements, { sql: "COMMIT", params: [] }];
  await sendBatch(conn, batch);
}

function sendBatch(conn: RawConnection, batch: Statement[]): Promise<unknown[]> {
  const send = () =>
    new Promise<unknown[]>((resolve, reject) => {
      const sql = batch.map((s) => (s.params.length > 0 ? conn.format(s.sql, s.params) : s.sql)).join(";\n");
      const cmd = conn.query(sql, (err, result) => {
        if (!err) return resolve(batch.length === 1 ? [result] : (result as unknown[]));
        // mysql2 keeps the results that arrived before the error: their count is the failing statement's index.
        const at = (cmd as { _rows?: unknown[] })._rows?.length;
        const failed = at === undefined ? undefined : batch[at];
        if (failed === undefined || failed.sql === "COMMIT") return reject(new CommitFailed(err));
        reject(failed.onError?.(err) ?? err);
      });
    });
  if (!tracingOn()) return send();
  // Traced: one span per statement (as when each was its own round trip), all spanning the batch's round trip.
  const parent = context.active();
  if (trace.getSpan(parent) === undefined) return send();
  const spans = batch.map((s) => {
    const st = statementOf(s.sql);
    return startSpan(st.name, SpanKind.CLIENT, { ...st.attributes, "db.operation.batch.size": batch.length }, parent);
  });
  return send().then(
    (r) => {
      for (const span of spans) span?.end();
      return r;
    },
    (e) => {
      for (const span of spans) {
        if (span) recordFailure(span, e);
        span?.end();
      }
      throw e;
    },
  );
}

async function sequentially<T>(tx: Transaction, statements: Statement[]): Promise<T[]> {
  const out: T[] = [];
  for (const s of statements) {
    try {
      out.push(await run<T>(tx, s.sql, s.params));
    } catch (e) {
      throw s.onError?.(e) ?? e;
    }
  }
  return out;
}

function execute<T>(tx: Transaction, sql: string, params: Params): Promise<T> {
  return new Promise((resolve, reject) => {
    connectionOf(tx).execute(sql, params, (err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

/** Rows of a prepared SELECT on the transaction's connection. */
export const select = <T>(tx: Transaction, sql: string, params: Params): Promise<T[]> => run<T[]>(tx, sql, params);

/** "?, ?, ?" for an IN list of n values (a prepared statement has no array binding). */
export const marks = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** A plain statement without parameters (transaction control) on a raw connection. */
export function control(conn: RawConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.query(sql, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Sequelize queries inside a batching transaction (the negative controls' plain reads, the waiting
 * list) must see what was queued before them: a beforeQuery hook sends it first. Registered once per
 * Sequelize instance.
 */
const hooked = new WeakSet<Sequelize>();
export function flushBeforeSequelizeQueries(db: Sequelize): void {
  if (hooked.has(db)) return;
  hooked.add(db);
  db.addHook("beforeQuery", async (options: { transaction?: Transaction | null }) => {
    if (options.transaction) await flush(options.transaction);
  });
}
