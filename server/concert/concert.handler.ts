import type { ServiceImpl } from "@connectrpc/connect";
import type { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { idOf } from "../shared/ids.js";
import { concertToProto } from "./concert.mapper.js";
import type { GetConcert } from "./get-concert.js";
import type { ListConcerts } from "./list-concerts.js";

export interface ConcertHandlerDeps {
  listConcerts: ListConcerts;
  getConcert: GetConcert;
}

/** ConcertService's public catalogue RPCs: thin translation between protobuf and the use cases. */
export function createConcertHandler(d: ConcertHandlerDeps): Pick<ServiceImpl<typeof ConcertService>, "listConcerts" | "getConcert"> {
  return {
    async listConcerts(req) {
      const { concerts, nextPageToken } = await d.listConcerts.execute({ pageSize: req.pageSize, pageToken: req.pageToken });
      return { concerts: concerts.map(concertToProto), nextPageToken };
    },
    async getConcert(req) {
      return { concert: concertToProto(await d.getConcert.execute(idOf(req.concertId))) };
    },
  };
}
