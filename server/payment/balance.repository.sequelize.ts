import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { RaceGuardOptions } from "../db/race-guards.js";
import type { BalanceRepository } from "./balance.repository.js";
import { later, run } from "../db/prepared.js";

export class SequelizeBalanceRepository implements BalanceRepository {
  private readonly guards;

  constructor(private readonly db: Sequelize, opts: RaceGuardOptions = {}) {
    this.guards = opts.raceGuards ?? "on";
  }

  async get(userId: number): Promise<number> {
    const [row] = await this.db.query<{ balance: number | string }>("SELECT balance FROM balances WHERE user_id = ?", {
      replacements: [userId],
      type: QueryTypes.SELECT,
    });
    return row ? Number(row.balance) : 0;
  }

  private async read(tx: Transaction, userId: number): Promise<number | undefined> {
    const [row] = await this.db.query<{ balance: number | string }>("SELECT balance FROM balances WHERE user_id = ?", {
      replacements: [userId],
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    return row ? Number(row.balance) : undefined;
  }

  private async ensure(tx: Transaction, userId: number): Promise<void> {
    // A fan's first charge creates their user row (and balance row) in the charge's transaction.
    await this.db.query("INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", { replacements: [userId], transaction: tx });
    await this.db.query("INSERT IGNORE INTO balances (user_id, balance, updated_at) VALUES (?, 0, NOW(3))", { replacements: [userId], transaction: tx });
  }

  async add(tx: Transaction, userId: number, amount: number): Promise<number> {
    const guards = this.guards;
    if (guards === "off") {
      // Negative control: read-modify-write, which loses updates under concurrency.
      const before = (await this.read(tx, userId)) ?? 0;
      await this.ensure(tx, userId);
      await this.db.query("UPDATE balances SET balance = ?, updated_at = NOW(3) WHERE user_id = ?", {
        replacements: [before + amount, userId],
        transaction: tx,
      });
      return before + amount;
    }
    const update = () =>
      this.db.query("UPDATE balances SET balance = balance + ?, updated_at = NOW(3) WHERE user_id = ?", {
        replacements: [amount, userId],
        type: QueryTypes.UPDATE,
        transaction: tx,
      });
    let [, changed] = await update();
    if (Number(changed) === 0) {
      await this.ensure(tx, userId);
      [, changed] = await update();
    }
    return (await this.read(tx, userId))!;
  }

  async deduct(tx: Transaction, userId: number, amount: number, lockedBalance?: number): Promise<{ taken: boolean; balance: number }> {
    const guards = this.guards;
    if (guards === "off") {
      const before = (await this.read(tx, userId)) ?? 0;
      if (before < amount) return { taken: false, balance: before };
      await this.db.query("UPDATE balances SET balance = ?, updated_at = NOW(3) WHERE user_id = ?", {
        replacements: [before - amount, userId],
        transaction: tx,
      });
      return { taken: true, balance: before - amount };
    }
    // Check and change in one statement: no window between reading the balance and taking from it.
    const { affectedRows } = await run(tx, "UPDATE balances SET balance = balance - ?, updated_at = NOW(3) WHERE user_id = ? AND balance >= ?", [
      amount,
      userId,
      amount,
    ]);
    const taken = Number(affectedRows) > 0;
    // The caller holds the row lock since it read `lockedBalance`, so the balance after needs no re-read.
    if (lockedBalance !== undefined) return { taken, balance: taken ? lockedBalance - amount : lockedBalance };
    // Read in the same transaction (never on a second pooled connection while this one waits).
    return { taken, balance: (await this.read(tx, userId)) ?? 0 };
  }

  async record(tx: Transaction, e: { userId: number; delta: number; reason: "CHARGE" | "PAYMENT"; paymentId?: number }): Promise<void> {
    // Queued (db/prepared.ts later): sent with COMMIT; the ledger line commits with the change or not at all.
    await later(tx, "INSERT INTO balance_ledger (user_id, delta, reason, payment_id, created_at) VALUES (?, ?, ?, ?, NOW(3))", [
      e.userId,
      e.delta,
      e.reason,
      e.paymentId ?? null,
    ]);
  }
}
