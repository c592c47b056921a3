import type { Infra, ModuleParts } from "../app/module.js";
import { createCatalogueAdminHandler } from "./catalogue-admin.handler.js";
import { createConcertHandler } from "./concert.handler.js";
import { SequelizeConcertRepository } from "./concert.repository.sequelize.js";
import { RedisConcertInfoCache } from "./concert-info.cache.redis.js";
import type { SeatsModule } from "../seats/seats.module.js";
import { ListConcerts } from "./list-concerts.js";
import { GetConcert } from "./get-concert.js";
import { ListSchedules } from "./list-schedules.js";
import { ListSeats } from "./list-seats.js";
import { CreateConcert } from "./create-concert.js";
import { UpdateConcert } from "./update-concert.js";
import { AddSchedule } from "./add-schedule.js";
import { replicaReads } from "../db/read-routing.js";
import type { SalesOpenings } from "./sales-openings.js";

/** The catalogue: public concert listing, dates and seats, and the operators' catalogue RPCs. */
export function createConcertModule(
  infra: Infra,
  seats: Pick<SeatsModule, "statuses" | "gate" | "onCatalogueChange">,
  openings: SalesOpenings,
): ModuleParts & { repository: SequelizeConcertRepository } {
  const repository = new SequelizeConcertRepository(infra.db);
  // SPEC 7.4: the public catalogue may be read from DATABASE_READ_URLS replicas; writes use `repository`.
  const reads = replicaReads(infra.db, repository, ["list", "get", "listSchedules", "getSchedule", "listSeats"]);
  const cache = new RedisConcertInfoCache(infra.redis);
  const getConcert = new GetConcert(reads, cache, (hit) => infra.metrics.cacheLookup("concert_info", hit));
  // The cache goes first: UpdateConcert/AddSchedule must never leave stale concert info behind.
  const changed = async (concertId: number) => {
    await cache.invalidate(concertId);
    await seats.onCatalogueChange(concertId);
  };
  const concert = createConcertHandler({
    listConcerts: new ListConcerts(reads),
    getConcert,
    listSchedules: new ListSchedules(reads, getConcert),
    listSeats: new ListSeats(reads, seats.statuses, seats.gate, (hit) => infra.metrics.cacheLookup("seat_status", hit)),
  });
  const admin = createCatalogueAdminHandler({
    createConcert: new CreateConcert(repository, changed),
    updateConcert: new UpdateConcert(repository, changed, openings),
    addSchedule: new AddSchedule(repository, changed),
  });
  return {
    repository,
    concert,
    admin,
  };
}
