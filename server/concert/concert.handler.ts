import type { ServiceImpl } from "@connectrpc/connect";
import type { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { idOf } from "../shared/ids.js";
import { concertToProto, scheduleToProto, seatToProto } from "./concert.mapper.js";
import type { GetConcert } from "./get-concert.js";
import type { ListConcerts } from "./list-concerts.js";
import type { ListSchedules } from "./list-schedules.js";
import type { ListSeats } from "./list-seats.js";

export interface ConcertHandlerDeps {
  listConcerts: ListConcerts;
  getConcert: GetConcert;
  listSchedules: ListSchedules;
  listSeats: ListSeats;
}

/** ConcertService: thin translation between protobuf and the use cases. The queue-token check ran before. */
export function createConcertHandler(d: ConcertHandlerDeps): Pick<ServiceImpl<typeof ConcertService>, "listConcerts" | "getConcert" | "listSchedules" | "listSeats"> {
  return {
    async listConcerts(req) {
      const { concerts, nextPageToken } = await d.listConcerts.execute({ pageSize: req.pageSize, pageToken: req.pageToken });
      return { concerts: concerts.map(concertToProto), nextPageToken };
    },
    async getConcert(req) {
      return { concert: concertToProto(await d.getConcert.execute(idOf(req.concertId))) };
    },
    async listSchedules(req) {
      const schedules = await d.listSchedules.execute({ concertId: idOf(req.concertId), onlyAvailable: req.onlyAvailable });
      return { schedules: schedules.map(scheduleToProto) };
    },
    async listSeats(req) {
      const seats = await d.listSeats.execute({ scheduleId: idOf(req.scheduleId), onlyAvailable: req.onlyAvailable });
      return { seats: seats.map(seatToProto) };
    },
  };
}
