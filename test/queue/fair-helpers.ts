import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { clientFor } from "../support/clients.js";
import { adminClient } from "./queue-helpers.js";

/** A concert whose sales open at `opensAtMs`, with one date of `seats` seats. */
export async function scheduledConcert(url: string, opensAtMs: number, seats = 10): Promise<{ concertId: number; scheduleId: number; commitment: string }> {
  const admin = await adminClient(url);
  const { concert } = await admin.createConcert({ title: "Fair sale", artist: "A", venue: "V", description: "", salesOpenAt: timestampFromMs(opensAtMs) });
  const { schedule } = await admin.addSchedule({
    concertId: concert!.id,
    date: "2030-05-01",
    startsAt: timestampFromMs(Date.parse("2030-05-01T10:00:00Z")),
    grades: [{ grade: "R", count: seats, price: 1000n }],
  });
  return { concertId: Number(concert!.id), scheduleId: Number(schedule!.id), commitment: concert!.fairnessCommitment };
}

export function publicConcerts(url: string) {
  return clientFor(ConcertService, url);
}

export const getDraw = (url: string, concertId: number) => publicConcerts(url).getDraw({ concertId: BigInt(concertId) });

export const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
