import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/concert/v1/admin_pb.js";
import type { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { idOf } from "../shared/ids.js";
import { callerOf } from "../rpc/caller.js";
import type { GetWaitingList } from "./get-waiting-list.js";
import type { GetWaitingListEntry } from "./get-waiting-list-entry.js";
import type { JoinWaitingList } from "./join-waiting-list.js";
import type { LeaveWaitingList } from "./leave-waiting-list.js";
import { waitingListEntryToProto, waitingListSummaryToProto } from "./waiting-list.mapper.js";

export interface WaitingListHandlerDeps {
  join: JoinWaitingList;
  leave: LeaveWaitingList;
  get: GetWaitingListEntry;
}

/** ReservationService's waiting-list RPCs (JWT only: a fan of a sold-out date may hold no queue token). */
export function createWaitingListHandler(
  d: WaitingListHandlerDeps,
): Pick<ServiceImpl<typeof ReservationService>, "joinWaitingList" | "leaveWaitingList" | "getWaitingListEntry"> {
  return {
    async joinWaitingList(req, ctx) {
      const e = await d.join.execute({ userId: callerOf(ctx), scheduleId: idOf(req.scheduleId), seatCount: req.seatCount });
      return { entry: waitingListEntryToProto(e) };
    },
    async leaveWaitingList(req, ctx) {
      return { entry: waitingListEntryToProto(await d.leave.execute({ userId: callerOf(ctx), scheduleId: idOf(req.scheduleId) })) };
    },
    async getWaitingListEntry(req, ctx) {
      return { entry: waitingListEntryToProto(await d.get.execute({ userId: callerOf(ctx), scheduleId: idOf(req.scheduleId) })) };
    },
  };
}

/** AdminService.GetWaitingList. The auth interceptor has already checked the admin role. */
export function createWaitingListAdminHandler(get: GetWaitingList): Pick<ServiceImpl<typeof AdminService>, "getWaitingList"> {
  return {
    async getWaitingList(req) {
      return waitingListSummaryToProto(await get.execute(idOf(req.scheduleId)));
    },
  };
}
