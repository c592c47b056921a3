import { QueryTypes, type Sequelize } from "sequelize";
import type { QueuePolicy, QueuePolicyRepository } from "./queue-policy.repository.js";

export class SequelizeQueuePolicyRepository implements QueuePolicyRepository {
  constructor(private readonly db: Sequelize) {}

  async save(concertId: number, p: QueuePolicy): Promise<void> {
    await this.db.query(
      `INSERT INTO queue_policies (concert_id, max_active, mode, paused, updated_at) VALUES (?, ?, ?, ?, NOW(3))
       ON DUPLICATE KEY UPDATE max_active = VALUES(max_active), mode = VALUES(mode), paused = VALUES(paused), updated_at = VALUES(updated_at)`,
      { replacements: [concertId, p.maxActive, p.mode, p.paused ? 1 : 0] },
    );
  }

  async find(concertId: number): Promise<QueuePolicy | undefined> {
    const [row] = await this.db.query<{ max_active: number; mode: string; paused: number }>(
      "SELECT max_active, mode, paused FROM queue_policies WHERE concert_id = ?",
      { replacements: [concertId], type: QueryTypes.SELECT },
    );
    return row && { maxActive: Number(row.max_active), mode: row.mode, paused: Number(row.paused) === 1 };
  }
}
