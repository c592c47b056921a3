import type { Transaction } from "sequelize";
import type { Payment } from "./payment.js";

/** Port: payments, at most one per reservation (a unique key). */
export interface PaymentRepository {
  /** Returns the new payment, or undefined when the reservation already has one. */
  insert(tx: Transaction, p: Omit<Payment, "id">): Promise<Payment | undefined>;
}
