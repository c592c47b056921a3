import type { ServiceImpl } from "@connectrpc/connect";
import type { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { idOf } from "../shared/ids.js";
import { callerOf } from "../rpc/caller.js";
import type { CancelReservation } from "./cancel-reservation.js";
import type { GetReservation } from "./get-reservation.js";
import type { HoldSeats } from "./hold-seats.js";
import type { ListMyReservations } from "./list-my-reservations.js";
import { reservationToProto } from "./reservation.mapper.js";

export interface ReservationHandlerDeps {
  holdSeats: HoldSeats;
  getReservation: GetReservation;
  listMyReservations: ListMyReservations;
  cancelReservation: CancelReservation;
}

/** ReservationService: protobuf <-> use cases. Auth, validation and the queue-token check ran before. */
export function createReservationHandler(
  d: ReservationHandlerDeps,
): Pick<ServiceImpl<typeof ReservationService>, "holdSeats" | "getReservation" | "listMyReservations" | "cancelReservation"> {
  return {
    async holdSeats(req, ctx) {
      const r = await d.holdSeats.execute({ userId: callerOf(ctx), scheduleId: idOf(req.scheduleId), seatNumbers: req.seatNumbers });
      return { reservation: reservationToProto(r) };
    },
    async getReservation(req, ctx) {
      return { reservation: reservationToProto(await d.getReservation.execute({ userId: callerOf(ctx), reservationId: idOf(req.reservationId) })) };
    },
    async listMyReservations(req, ctx) {
      const page = await d.listMyReservations.execute({ userId: callerOf(ctx), pageSize: req.pageSize, pageToken: req.pageToken });
      return { reservations: page.reservations.map(reservationToProto), nextPageToken: page.nextPageToken };
    },
    async cancelReservation(req, ctx) {
      const r = await d.cancelReservation.execute({ userId: callerOf(ctx), reservationId: idOf(req.reservationId) });
      return { reservation: reservationToProto(r) };
    },
  };
}
