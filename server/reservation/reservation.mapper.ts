import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ReservationSchema, ReservationStatus, type Reservation as ReservationMsg } from "../../gen/concert/v1/reservation_pb.js";
import type { Reservation } from "./reservation.js";

const statusOf = {
  HELD: ReservationStatus.HELD,
  CONFIRMED: ReservationStatus.CONFIRMED,
  CANCELLED: ReservationStatus.CANCELLED,
  EXPIRED: ReservationStatus.EXPIRED,
} as const;

export const reservationToProto = (r: Reservation): ReservationMsg =>
  create(ReservationSchema, {
    id: BigInt(r.id),
    userId: BigInt(r.userId),
    concertId: BigInt(r.concertId),
    scheduleId: BigInt(r.scheduleId),
    seatNumbers: r.seatNumbers,
    totalPrice: BigInt(r.totalPrice),
    status: statusOf[r.status],
    heldUntil: timestampFromDate(r.heldUntil),
    createdAt: timestampFromDate(r.createdAt),
  });
