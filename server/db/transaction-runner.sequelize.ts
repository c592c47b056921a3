import { Transaction, type Sequelize } from "sequelize";
import type { TransactionRunner } from "./transaction-runner.js";

const DEADLOCK = 1213;
const errnoOf = (e: unknown): number | undefined => {
  const err = e as { parent?: { errno?: number }; original?: { errno?: number } } | undefined;
  return err?.parent?.errno ?? err?.original?.errno;
};

/**
 * READ COMMITTED, so a conditional UPDATE locks only the rows it changes (not every row it scans),
 * and locking reads see the latest commit. InnoDB may pick a deadlock victim when two holds touch
 * overlapping seats in different orders; the victim's whole unit of work is simply run again.
 */
export class SequelizeTransactionRunner implements TransactionRunner {
  constructor(private readonly db: Sequelize, private readonly attempts = 5) {}

  async run<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, fn);
      } catch (e) {
        if (errnoOf(e) !== DEADLOCK || attempt >= this.attempts) throw e;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
      }
    }
  }
}

/** True for MySQL's duplicate-key error (a unique constraint refused the row). */
export const isDuplicateKey = (e: unknown) => errnoOf(e) === 1062 || (e as { name?: string })?.name === "SequelizeUniqueConstraintError";
