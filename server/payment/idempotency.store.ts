import type { Transaction } from "sequelize";

/** Port: idempotency records (user, key, request hash, stored response). */
export interface IdempotencyStore {
  /**
   * Claims the key inside `tx` (a concurrent claim of the same key waits for this transaction).
   * Returns undefined when the key is new, the stored response when the same request succeeded
   * before; throws IDEMPOTENCY_KEY_REUSED when the key belongs to another request.
   */
  claim(tx: Transaction, userId: number, key: string, requestHash: string): Promise<string | undefined>;
  /** True when the same request already succeeded under this key (a retry would only replay it). */
  hasResult(userId: number, key: string, requestHash: string): Promise<boolean>;
  /** Stores the response to replay; commits with the change itself. */
  complete(tx: Transaction, userId: number, key: string, response: string): Promise<void>;
}
