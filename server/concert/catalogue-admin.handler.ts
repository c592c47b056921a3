import type { ServiceImpl } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { idOf } from "../shared/ids.js";
import { concertToProto, scheduleToProto } from "./concert.mapper.js";
import type { CreateConcert } from "./create-concert.js";
import type { ConcertChange, UpdateConcert } from "./update-concert.js";
import type { AddSchedule } from "./add-schedule.js";

export interface CatalogueAdminHandlerDeps {
  createConcert: CreateConcert;
  updateConcert: UpdateConcert;
  addSchedule: AddSchedule;
}

/** AdminService's catalogue RPCs. The auth interceptor has already checked the admin role. */
export function createCatalogueAdminHandler(d: CatalogueAdminHandlerDeps): Pick<ServiceImpl<typeof AdminService>, "createConcert" | "updateConcert" | "addSchedule"> {
  return {
    async createConcert(req) {
      const concert = await d.createConcert.execute({
        title: req.title,
        artist: req.artist,
        venue: req.venue,
        description: req.description,
        salesOpenAt: req.salesOpenAt ? timestampDate(req.salesOpenAt) : undefined,
      });
      return { concert: concertToProto(concert) };
    },
    async updateConcert(req) {
      const fields: ConcertChange = {};
      for (const k of ["title", "artist", "venue", "description"] as const) {
        if (req[k] !== undefined) fields[k] = req[k];
      }
      if (req.salesOpenAt) fields.salesOpenAt = timestampDate(req.salesOpenAt);
      else if (req.clearSalesOpenAt) fields.salesOpenAt = null;
      return { concert: concertToProto(await d.updateConcert.execute(idOf(req.concertId), fields)) };
    },
    async addSchedule(req) {
      const schedule = await d.addSchedule.execute({
        concertId: idOf(req.concertId),
        date: req.date,
        startsAt: timestampDate(req.startsAt!),
        grades: req.grades.map((g) => ({ grade: g.grade, count: g.count, price: Number(g.price) })),
      });
      return { schedule: scheduleToProto(schedule) };
    },
  };
}
