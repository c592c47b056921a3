import type { Sequelize } from "sequelize";
import { context, SpanKind, startSpan, trace, tracingOn, type Attributes, type Span } from "../tracing/tracing.js";

/**
 * MySQL spans (issue 15 item 5), only while tracing is on and only inside a trace: one per transaction
 * of the TransactionRunner, one per prepared statement (db/prepared.ts) and one per Sequelize query
 * (hooks, registered only when tracing is on). The SQL text is the parameterised statement; values
 * never reach a span.
 */
export const DB_SYSTEM = "mysql";

interface Statement {
  name: string;
  attributes: Attributes;
}
const statements = new Map<string, Statement>();
const CACHE_MAX = 2_000;

/**
 * Span name and attributes of a statement, built once per SQL text: the name is the operation and the
 * first table (`SELECT outbox`, `INSERT reservation_seats`, `START TRANSACTION`).
 */
export function statementOf(sql: string): Statement {
  let st = statements.get(sql);
  if (st !== undefined) return st;
  const op = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? "SQL";
  const table = /\b(?:FROM|INTO|UPDATE|JOIN)\s+`?(\w+)`?/i.exec(sql)?.[1];
  const name = table ? `${op} ${table}` : /^\s*(\w+(?:\s+TRANSACTION)?)/i.exec(sql)?.[1]?.toUpperCase().replace(/\s+/g, " ") ?? op;
  st = { name, attributes: { "db.system.name": DB_SYSTEM, "db.operation.name": op, "db.query.text": sql } };
  if (statements.size < CACHE_MAX) statements.set(sql, st);
  return st;
}

interface HookedQuery {
  sql?: string;
}

/**
 * A span per query Sequelize runs (catalogue reads, the relay's claim, the sales projection's upserts):
 * started in beforeQuery under the caller's active span, named and ended in afterQuery, when Sequelize
 * has set the SQL text. Sequelize's hooks do not see the query's error, so these spans carry no status.
 */
export function traceSequelizeQueries(db: Sequelize): void {
  if (!tracingOn()) return;
  const open = new WeakMap<object, Span>();
  const hooks = db as unknown as { addHook(name: string, fn: (...args: unknown[]) => void): void };
  hooks.addHook("beforeQuery", (_options, query) => {
    const parent = context.active();
    if (trace.getSpan(parent) === undefined) return;
    const span = startSpan("SQL", SpanKind.CLIENT, { "db.system.name": DB_SYSTEM }, parent);
    if (span) open.set(query as object, span);
  });
  hooks.addHook("afterQuery", (_options, query) => {
    const span = open.get(query as object);
    if (!span) return;
    open.delete(query as object);
    const sql = (query as HookedQuery).sql;
    if (sql) {
      const st = statementOf(sql);
      span.updateName(st.name);
      span.setAttributes(st.attributes);
    }
    span.end();
  });
}
