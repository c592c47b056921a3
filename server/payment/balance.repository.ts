import type { Transaction } from "sequelize";

/** Port: prepaid balances and their ledger. Every change is a single atomic statement. */
export interface BalanceRepository {
  get(userId: number): Promise<number>;
  /** Adds `amount` and returns the new balance (the row stays locked until `tx` ends). */
  add(tx: Transaction, userId: number, amount: number): Promise<number>;
  /**
   * Takes `amount` only if the balance covers it; `taken` false means nothing changed. Returns the balance after.
   * `lockedBalance`: the balance the caller read with the row locked in this transaction (saves a re-read).
   */
  deduct(tx: Transaction, userId: number, amount: number, lockedBalance?: number): Promise<{ taken: boolean; balance: number }>;
  record(tx: Transaction, entry: { userId: number; delta: number; reason: "CHARGE" | "PAYMENT"; paymentId?: number }): Promise<void>;
}
