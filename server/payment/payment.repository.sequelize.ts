import type { Sequelize, Transaction } from "sequelize";
import { isDuplicateKey } from "../db/transaction-runner.sequelize.js";
import { sqlTime } from "../db/sql-time.js";
import { run } from "../db/prepared.js";
import type { RaceGuardOptions } from "../db/race-guards.js";
import type { Payment } from "./payment.js";
import type { PaymentRepository } from "./payment.repository.js";

export class SequelizePaymentRepository implements PaymentRepository {
  private readonly guards;

  constructor(private readonly db: Sequelize, opts: RaceGuardOptions = {}) {
    this.guards = opts.raceGuards ?? "on";
  }

  async insert(tx: Transaction, p: Omit<Payment, "id">): Promise<Payment | undefined> {
    const guards = this.guards;
    try {
      // With guards off (negative control), INSERT IGNORE lets a second payment of the same
      // reservation carry on instead of failing on the unique key.
      const { insertId } = await run(
        tx,
        `INSERT ${guards === "off" ? "IGNORE " : ""}INTO payments (reservation_id, user_id, amount, paid_at) VALUES (?, ?, ?, ?)`,
        [p.reservationId, p.userId, p.amount, sqlTime(p.paidAt)],
      );
      return { id: Number(insertId), ...p };
    } catch (e) {
      if (isDuplicateKey(e)) return undefined;
      throw e;
    }
  }
}
