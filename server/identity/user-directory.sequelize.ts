import type { Sequelize } from "sequelize";
import type { UserDirectory } from "./user-directory.js";

/** Creates users (and their zero balance) on first sight; remembers recent ids to skip the round trip. */
export class SequelizeUserDirectory implements UserDirectory {
  private readonly known = new Set<number>();
  constructor(private readonly db: Sequelize, private readonly cacheSize = 100_000) {}

  async ensure(userId: number): Promise<void> {
    if (this.known.has(userId)) return;
    await this.db.query("INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", { replacements: [userId] });
    await this.db.query("INSERT IGNORE INTO balances (user_id, balance, updated_at) VALUES (?, 0, NOW(3))", {
      replacements: [userId],
    });
    if (this.known.size >= this.cacheSize) this.known.clear();
    this.known.add(userId);
  }
}
