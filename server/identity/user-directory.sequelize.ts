import type { Sequelize } from "sequelize";
import type { UserDirectory } from "./user-directory.js";

/**
 * Creates users on first sight; remembers recent ids to skip the round trip. The balance row comes
 * with the first charge (the balance repository creates it then, and reads a missing one as 0), so
 * a new fan's first call costs one commit, not two: at a sale's opening nearly every caller is new.
 */
export class SequelizeUserDirectory implements UserDirectory {
  private readonly known = new Set<number>();
  constructor(private readonly db: Sequelize, private readonly cacheSize = 100_000) {}

  async ensure(userId: number): Promise<void> {
    if (this.known.has(userId)) return;
    await this.db.query("INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", { replacements: [userId] });
    if (this.known.size >= this.cacheSize) this.known.clear();
    this.known.add(userId);
  }
}
