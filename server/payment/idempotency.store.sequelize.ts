import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { isDuplicateKey } from "../db/transaction-runner.sequelize.js";
import { idempotencyKeyReused } from "./payment.errors.js";
import { later, run } from "../db/prepared.js";
import type { IdempotencyStore } from "./idempotency.store.js";

export class SequelizeIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Sequelize) {}

  async claim(tx: Transaction, userId: number, key: string, hash: string): Promise<string | undefined> {
    try {
      // The primary key (user_id, idempotency_key) is the lock: a second claim blocks on this row
      // until we commit (then it sees our response) or roll back (then it claims the key itself).
      await run(tx, "INSERT INTO idempotency_records (user_id, idempotency_key, request_hash, response, created_at) VALUES (?, ?, ?, NULL, NOW(3))", [
        userId,
        key,
        hash,
      ]);
      return undefined;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    const [row] = await this.db.query<{ request_hash: string; response: Buffer | string | null }>(
      "SELECT request_hash, response FROM idempotency_records WHERE user_id = ? AND idempotency_key = ? LOCK IN SHARE MODE",
      { replacements: [userId, key], type: QueryTypes.SELECT, transaction: tx },
    );
    if (!row || row.request_hash !== hash) throw idempotencyKeyReused(key);
    if (row.response === null) throw idempotencyKeyReused(key);
    return Buffer.isBuffer(row.response) ? row.response.toString("utf8") : String(row.response);
  }

  async hasResult(userId: number, key: string, hash: string): Promise<boolean> {
    const [row] = await this.db.query<{ n: number }>(
      "SELECT 1 AS n FROM idempotency_records WHERE user_id = ? AND idempotency_key = ? AND request_hash = ? AND response IS NOT NULL",
      { replacements: [userId, key, hash], type: QueryTypes.SELECT },
    );
    return row !== undefined;
  }

  async complete(tx: Transaction, userId: number, key: string, response: string): Promise<void> {
    // Queued: sent with COMMIT (the claim row is ours since the INSERT, so nothing can make this miss).
    await later(tx, "UPDATE idempotency_records SET response = ? WHERE user_id = ? AND idempotency_key = ?", [response, userId, key]);
  }
}
