import { describe, expect, it } from "vitest";
import { needsNoQueueToken } from "../../server/reservation/queue-token-waiver.js";
import type { Reservation } from "../../server/reservation/reservation.js";

const now = new Date("2030-05-01T10:00:00Z");
const at = (s: number) => new Date(now.getTime() + s * 1000);
const base: Reservation = {
  id: 1, userId: 7, concertId: 1, scheduleId: 1, seatNumbers: [1], totalPrice: 1000, status: "HELD", heldUntil: at(60), createdAt: at(-240),
};

/** Which Pay/CancelReservation requests pass without a queue token (README, Waiting list and Late payment). */
describe("queue-token waiver", () => {
  it("an ordinary live hold needs the token, for Pay and Cancel alike", () => {
    expect(needsNoQueueToken("Pay", { reservation: base }, 7, now, 60)).toBe(false);
    expect(needsNoQueueToken("CancelReservation", { reservation: base }, 7, now, 60)).toBe(false);
  });
  it("a waiting-list offer needs none, for its owner only", () => {
    const offer = { ...base, waitingListEntryId: 3 };
    expect(needsNoQueueToken("Pay", { reservation: offer }, 7, now, 60)).toBe(true);
    expect(needsNoQueueToken("CancelReservation", { reservation: offer }, 7, now, 60)).toBe(true);
    expect(needsNoQueueToken("Pay", { reservation: offer }, 8, now, 60)).toBe(false);
  });
  it("a late Pay within the grace period needs none (EXPIRED or not yet swept), nor a retry of a late payment", () => {
    expect(needsNoQueueToken("Pay", { reservation: { ...base, status: "EXPIRED", heldUntil: at(-30) } }, 7, now, 60)).toBe(true);
    expect(needsNoQueueToken("Pay", { reservation: { ...base, heldUntil: at(-30) } }, 7, now, 60)).toBe(true);
    expect(needsNoQueueToken("Pay", { reservation: { ...base, status: "CONFIRMED", heldUntil: at(-30) }, paidAt: at(-10) }, 7, now, 60)).toBe(true);
  });
  it("past the grace period, a cancel of a lapsed hold, or someone else's: the token check decides", () => {
    expect(needsNoQueueToken("Pay", { reservation: { ...base, status: "EXPIRED", heldUntil: at(-61) } }, 7, now, 60)).toBe(false);
    expect(needsNoQueueToken("CancelReservation", { reservation: { ...base, status: "EXPIRED", heldUntil: at(-30) } }, 7, now, 60)).toBe(false);
    expect(needsNoQueueToken("Pay", { reservation: { ...base, status: "EXPIRED", heldUntil: at(-30) } }, 8, now, 60)).toBe(false);
    expect(needsNoQueueToken("Pay", { reservation: { ...base, status: "CONFIRMED", heldUntil: at(-30) }, paidAt: at(-40) }, 7, now, 60)).toBe(false);
    expect(needsNoQueueToken("Pay", { reservation: { ...base, status: "EXPIRED", heldUntil: at(-30) } }, 7, now, 0)).toBe(false);
  });
});
