import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AdminService } from "../../../gen/concert/v1/admin_pb.js";
import { PaymentService } from "../../../gen/concert/v1/payment_pb.js";
import { ReservationService } from "../../../gen/concert/v1/reservation_pb.js";
import { bearer } from "../../support/auth.js";
import { clientFor } from "../../support/clients.js";
import { admit } from "../../support/queue.js";

/** A concert with one date of `seats` seats at 50,000 KRW, created through AdminService. */
export async function apiConcert(baseUrl: string, seats: number): Promise<{ concertId: number; scheduleId: number }> {
  const admin = clientFor(AdminService, baseUrl, { headers: await bearer(1, { admin: true }) });
  const { concert } = await admin.createConcert({ title: "Outage Tour", artist: "The Relays", venue: "Hall", description: "" });
  const { schedule } = await admin.addSchedule({
    concertId: concert!.id,
    date: "2031-03-01",
    startsAt: timestampFromDate(new Date("2031-03-01T10:00:00Z")),
    grades: [{ grade: "R", count: seats, price: 50_000n }],
  });
  return { concertId: Number(concert!.id), scheduleId: Number(schedule!.id) };
}

/**
 * One fan through the public API: charge, enter the queue, hold `seats`, then pay, cancel or keep the
 * hold. Every step must succeed: it is what "the RPCs keep working while Kafka is down" means.
 */
export async function apiSession(baseUrl: string, userId: number, concertId: number, scheduleId: number, seats: number[], then: "pay" | "cancel" | "keep") {
  const headers = await bearer(userId);
  await clientFor(PaymentService, baseUrl, { headers }).chargeBalance({ amount: 1_000_000n, idempotencyKey: `charge-${userId}` });
  const token = await admit(baseUrl, concertId, userId);
  const withToken = { ...headers, "x-queue-token": token };
  const reservations = clientFor(ReservationService, baseUrl, { headers: withToken });
  const { reservation } = await reservations.holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: seats });
  if (then === "pay") await clientFor(PaymentService, baseUrl, { headers: withToken }).pay({ reservationId: reservation!.id, idempotencyKey: `pay-${userId}` });
  if (then === "cancel") await reservations.cancelReservation({ reservationId: reservation!.id });
}
