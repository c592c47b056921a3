import type { Transaction } from "sequelize";

/** Port: runs a unit of work in one database transaction (rolled back when `fn` throws). */
export interface TransactionRunner {
  run<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}
