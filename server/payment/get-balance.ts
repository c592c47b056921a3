import type { BalanceRepository } from "./balance.repository.js";

export class GetBalance {
  constructor(private readonly balances: BalanceRepository) {}

  async execute(input: { userId: number }): Promise<number> {
    return this.balances.get(input.userId);
  }
}
