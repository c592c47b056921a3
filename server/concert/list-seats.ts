import type { Seat, SeatStatus } from "./concert.js";
import { scheduleNotFound } from "./concert.errors.js";
import type { ConcertRepository } from "./concert.repository.js";
import type { SeatStatusStore } from "../seats/seat-status.store.js";
import type { SeatReconciler } from "../seats/seat-hold.gate.js";

type SeatLayout = Array<Omit<Seat, "status">>;

/**
 * A schedule's seats. Statuses come from the Redis seat-status hash; when it is missing (never
 * loaded, or Redis was flushed) the database answers and reloads it. The layout (ids, grades,
 * prices) never changes after AddSchedule, so it is kept in process.
 */
export class ListSeats {
  private readonly layouts = new Map<number, SeatLayout>();

  constructor(
    private readonly concerts: ConcertRepository,
    private readonly statuses: SeatStatusStore,
    private readonly seats: SeatReconciler,
    private readonly onLookup: (hit: boolean) => void = () => {},
    private readonly maxLayouts = 200,
  ) {}

  async execute(input: { scheduleId: number; onlyAvailable: boolean }): Promise<Seat[]> {
    if (input.scheduleId <= 0) throw scheduleNotFound(input.scheduleId);
    let layout = this.layouts.get(input.scheduleId);
    let fresh: Seat[] | undefined;
    if (!layout) {
      fresh = await this.concerts.listSeats(input.scheduleId);
      if (fresh.length === 0) throw scheduleNotFound(input.scheduleId);
      layout = fresh.map(({ status: _s, ...rest }) => rest);
      if (this.layouts.size >= this.maxLayouts) this.layouts.delete(this.layouts.keys().next().value!);
      this.layouts.set(input.scheduleId, layout);
    }
    let status = await this.statuses.read(input.scheduleId);
    const complete = status !== undefined && layout.every((s) => status!.has(s.number));
    this.onLookup(complete);
    if (!complete) {
      fresh ??= await this.concerts.listSeats(input.scheduleId);
      const fromDb = new Map<number, SeatStatus>(fresh.map((s) => [s.number, s.status]));
      if (status === undefined) await this.seats.reconcile(input.scheduleId);
      status = fromDb;
    }
    const seats = layout.map((s) => ({ ...s, status: status!.get(s.number)! }));
    return input.onlyAvailable ? seats.filter((s) => s.status === "AVAILABLE") : seats;
  }
}
