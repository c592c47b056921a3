import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { bearer } from "./auth.js";
import { clientFor } from "./clients.js";
import { admit } from "./queue.js";

/** Clients of one fan: JWT only, and JWT + ACTIVE queue token for a concert. */
export async function fan(baseUrl: string, userId: number, concertId?: number) {
  const headers = await bearer(userId);
  const token = concertId === undefined ? undefined : await admit(baseUrl, concertId, userId);
  const withToken = token ? { ...headers, "x-queue-token": token } : headers;
  return {
    userId,
    token,
    concerts: clientFor(ConcertService, baseUrl, { headers: withToken }),
    reservations: clientFor(ReservationService, baseUrl, { headers: withToken }),
    payments: clientFor(PaymentService, baseUrl, { headers: withToken }),
  };
}

export async function seedConcert(baseUrl: string, grades = [{ grade: "VIP", count: 4, price: 150_000n }, { grade: "R", count: 16, price: 90_000n }]) {
  const admin = clientFor(AdminService, baseUrl, { headers: await bearer(1, { admin: true }) });
  const { concert } = await admin.createConcert({ title: "Spring Tour", artist: "The Band", venue: "Olympic Hall", description: "" });
  const { schedule } = await admin.addSchedule({
    concertId: concert!.id,
    date: "2030-05-01",
    startsAt: timestampFromDate(new Date("2030-05-01T10:00:00Z")),
    grades,
  });
  return { admin, concertId: Number(concert!.id), scheduleId: Number(schedule!.id) };
}

/** Runs `fn` over `items`, at most `limit` at a time (the machine has 2 cores). */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
