import { DomainError } from "../shared/domain-error.js";
import type { OutboxWriter } from "../outbox/outbox-writer.js";
import type { TransactionRunner } from "../db/transaction-runner.js";
import type { BalanceRepository } from "./balance.repository.js";
import type { IdempotencyStore } from "./idempotency.store.js";
import { balanceCharged } from "./payment-events.js";
import { requestHash } from "./request-hash.js";

export const MAX_CHARGE = 10_000_000;

/**
 * Adds money to the caller's balance, exactly once per idempotency key: the claim of the key, the
 * balance change, the ledger line, the BalanceCharged event and the stored response commit together.
 */
export class ChargeBalance {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly balances: BalanceRepository,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: OutboxWriter,
    private readonly opts: { clock?: () => Date } = {},
  ) {}

  async execute(input: { userId: number; amount: number; idempotencyKey: string }): Promise<number> {
    if (!Number.isSafeInteger(input.amount) || input.amount < 1 || input.amount > MAX_CHARGE) {
      throw new DomainError("VALIDATION_FAILED", `invalid request: amount: charge 1 to ${MAX_CHARGE} KRW at a time`);
    }
    const hash = requestHash("ChargeBalance", { amount: input.amount });
    return this.tx.run(async (tx) => {
      const replay = await this.idempotency.claim(tx, input.userId, input.idempotencyKey, hash);
      if (replay !== undefined) return (JSON.parse(replay) as { balance: number }).balance;
      const balance = await this.balances.add(tx, input.userId, input.amount);
      await this.balances.record(tx, { userId: input.userId, delta: input.amount, reason: "CHARGE" });
      await this.outbox.append(tx, [balanceCharged(input.userId, input.amount, balance, (this.opts.clock ?? (() => new Date()))())]);
      await this.idempotency.complete(tx, input.userId, input.idempotencyKey, JSON.stringify({ balance }));
      return balance;
    });
  }
}
