import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { WaitingListEntrySchema, WaitingListState, type WaitingListEntry as EntryMsg } from "../../gen/concert/v1/reservation_pb.js";
import { GetWaitingListResponseSchema, type GetWaitingListResponse } from "../../gen/concert/v1/admin_pb.js";
import type { WaitingListEntry, WaitingListSummary } from "./waiting-list.js";

const stateOf = {
  WAITING: WaitingListState.WAITING,
  OFFERED: WaitingListState.OFFERED,
  PURCHASED: WaitingListState.PURCHASED,
  OFFER_EXPIRED: WaitingListState.OFFER_EXPIRED,
  DECLINED: WaitingListState.DECLINED,
  LEFT: WaitingListState.LEFT,
} as const;

export const waitingListEntryToProto = (e: WaitingListEntry): EntryMsg =>
  create(WaitingListEntrySchema, {
    id: BigInt(e.id),
    scheduleId: BigInt(e.scheduleId),
    seatCount: e.seatCount,
    position: e.position,
    state: stateOf[e.state],
    offeredReservationId: BigInt(e.reservationId ?? 0),
    joinedAt: timestampFromDate(e.joinedAt),
  });

export const waitingListSummaryToProto = (s: WaitingListSummary): GetWaitingListResponse =>
  create(GetWaitingListResponseSchema, {
    scheduleId: BigInt(s.scheduleId),
    waiting: BigInt(s.waiting),
    seatsWanted: BigInt(s.seatsWanted),
    offers: s.offers.map((o) => ({
      entryId: BigInt(o.entryId),
      userId: BigInt(o.userId),
      reservationId: BigInt(o.reservationId),
      seatNumbers: o.seatNumbers,
      heldUntil: timestampFromDate(o.heldUntil),
    })),
    purchased: BigInt(s.purchased),
    offersExpired: BigInt(s.offersExpired),
  });
