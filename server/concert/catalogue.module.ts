import type { Infra, ModuleParts } from "../app/module.js";
import { createCatalogueAdminHandler } from "./catalogue-admin.handler.js";
import { createConcertHandler } from "./concert.handler.js";
import { SequelizeConcertRepository } from "./concert.repository.sequelize.js";
import { ListConcerts } from "./list-concerts.js";
import { GetConcert } from "./get-concert.js";
import { CreateConcert } from "./create-concert.js";
import { UpdateConcert } from "./update-concert.js";
import { AddSchedule } from "./add-schedule.js";

/** The catalogue: public concert listing and the operators' catalogue RPCs. */
export function createCatalogueModule(infra: Infra, onChange: (concertId: number) => Promise<void> = async () => {}): ModuleParts & { repository: SequelizeConcertRepository } {
  const repository = new SequelizeConcertRepository(infra.db);
  const concert = createConcertHandler({ listConcerts: new ListConcerts(repository), getConcert: new GetConcert(repository) });
  const admin = createCatalogueAdminHandler({
    createConcert: new CreateConcert(repository, onChange),
    updateConcert: new UpdateConcert(repository, onChange),
    addSchedule: new AddSchedule(repository, onChange),
  });
  return {
    repository,
    concert,
    admin,
  };
}
