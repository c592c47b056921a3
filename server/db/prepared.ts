import type { Transaction } from "sequelize";
import { inChildSpan, SpanKind, tracingOn } from "../tracing/tracing.js";
import { statementOf } from "./db-tracing.js";

/** What a data-changing statement reports (mysql2's ResultSetHeader; the pool runs with -FOUND_ROWS, so rows changed). */
export interface Changed {
  affectedRows: number;
  insertId: number;
}

type Params = Array<string | number | null>;
type Callback = (err: Error | null, result: unknown) => void;
/** The mysql2 connection under a Sequelize transaction (Sequelize's pool holds mysql2 connections). */
export interface RawConnection {
  execute(sql: string, params: Params, cb: Callback): unknown;
  query(sql: string, cb: Callback): unknown;
}

export const connectionOf = (tx: Transaction): RawConnection => (tx as unknown as { connection: RawConnection }).connection;

/**
 * A statement as a server-side prepared statement on the transaction's own connection (mysql2 keeps
 * one per SQL text per connection, so after the first call it is one round trip with no SQL
 * formatting). The hot purchase path uses it because Sequelize's query builder and result processing
 * cost more CPU than the statement itself (README, Performance). Numbers bind as DOUBLE, exact for
 * every id and amount below 2^53; times bind as DATETIME(3) strings (sqlTime) so milliseconds survive.
 */
export function run<T = Changed>(tx: Transaction, sql: string, params: Params): Promise<T> {
  if (tracingOn()) {
    const st = statementOf(sql);
    return inChildSpan(st.name, SpanKind.CLIENT, st.attributes, () => execute<T>(tx, sql, params));
  }
  return execute<T>(tx, sql, params);
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
