import type { Concert } from "./concert.js";
import { concertNotFound } from "./concert.errors.js";
import type { ConcertFields, ConcertRepository } from "./concert.repository.js";
import { newDrawSecret } from "./draw-secret.js";
import type { SalesOpenings } from "./sales-openings.js";

/** salesOpenAt: a Date moves the opening, null clears it (open now), undefined leaves it. */
export type ConcertChange = Partial<Omit<ConcertFields, "drawSeed" | "fairnessCommitment">>;

export class UpdateConcert {
  constructor(
    private readonly concerts: ConcertRepository,
    private readonly onChange: (id: number) => Promise<void>,
    private readonly openings: SalesOpenings,
  ) {}

  /**
   * A new opening goes to the waiting room first, which refuses it once the opening has passed;
   * then MySQL. The seed is fixed by the first opening ever set and never replaced, so the published
   * commitment stays valid however often the time moves (a pre-queue's draw keys stay valid too).
   */
  async execute(concertId: number, change: ConcertChange): Promise<Concert> {
    const fields: Partial<ConcertFields> = { ...change };
    if (change.salesOpenAt !== undefined && concertId > 0) {
      const current = await this.concerts.drawOf(concertId);
      if (!current) throw concertNotFound(concertId);
      const secret = current.seed && current.commitment ? { seed: current.seed, commitment: current.commitment } : newDrawSecret();
      const inForce = await this.openings.schedule(concertId, change.salesOpenAt?.getTime() ?? null, secret);
      fields.drawSeed = inForce.seed;
      fields.fairnessCommitment = inForce.commitment;
    }
    const concert = concertId > 0 ? await this.concerts.update(concertId, fields) : undefined;
    if (!concert) throw concertNotFound(concertId);
    await this.onChange(concertId);
    return concert;
  }
}
