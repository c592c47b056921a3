import type { ServiceImpl } from "@connectrpc/connect";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { idOf } from "../shared/ids.js";
import type { GetDraw } from "./get-draw.js";

/** ConcertService.GetDraw (public): the waiting room owns the draw, the catalogue the rest of the service. */
export function createDrawHandler(getDraw: GetDraw): Pick<ServiceImpl<typeof ConcertService>, "getDraw"> {
  return {
    async getDraw(req) {
      const d = await getDraw.execute(idOf(req.concertId));
      return {
        fairnessCommitment: d.commitment,
        seed: d.seed,
        drawKeys: d.drawKeys,
        salesOpenAt: d.salesOpenAtMs > 0 ? timestampFromMs(d.salesOpenAtMs) : undefined,
        drawnAt: d.drawnAtMs ? timestampFromMs(d.drawnAtMs) : undefined,
      };
    },
  };
}
