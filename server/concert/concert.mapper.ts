import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ConcertSchema, ScheduleSchema, SeatSchema, SeatStatus, type Concert as ConcertMsg, type Schedule as ScheduleMsg, type Seat as SeatMsg } from "../../gen/concert/v1/concert_pb.js";
import type { Concert, Schedule, Seat } from "./concert.js";

export const concertToProto = (c: Concert): ConcertMsg =>
  create(ConcertSchema, {
    id: BigInt(c.id),
    title: c.title,
    artist: c.artist,
    venue: c.venue,
    description: c.description,
    salesOpenAt: c.salesOpenAt ? timestampFromDate(c.salesOpenAt) : undefined,
    fairnessCommitment: c.fairnessCommitment,
  });

export const scheduleToProto = (s: Schedule): ScheduleMsg =>
  create(ScheduleSchema, {
    id: BigInt(s.id),
    concertId: BigInt(s.concertId),
    date: s.date,
    startsAt: timestampFromDate(s.startsAt),
    totalSeats: s.totalSeats,
    availableSeats: s.availableSeats,
  });

const seatStatus = { AVAILABLE: SeatStatus.AVAILABLE, HELD: SeatStatus.HELD, SOLD: SeatStatus.SOLD } as const;

export const seatToProto = (s: Seat): SeatMsg =>
  create(SeatSchema, {
    id: BigInt(s.id),
    scheduleId: BigInt(s.scheduleId),
    number: s.number,
    grade: s.grade,
    price: BigInt(s.price),
    status: seatStatus[s.status],
  });
