import { DomainError } from "../shared/domain-error.js";
import type { ConcertSales, SequelizeSalesProjectionStore } from "./sales-projection.store.js";

export class GetSalesStats {
  constructor(private readonly store: SequelizeSalesProjectionStore) {}

  /** The projection's counts; they trail the database by the relay and consumer delay (normally well under a second). */
  async execute(concertId: number): Promise<ConcertSales> {
    const sales = concertId > 0 ? await this.store.salesOf(concertId) : undefined;
    if (!sales) throw new DomainError("CONCERT_NOT_FOUND", `concert ${concertId} does not exist; list concerts with ListConcerts`);
    return sales;
  }
}
