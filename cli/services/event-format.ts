import type { TailedEvent } from "./event-stream.js";

const krw = (v: unknown) => `₩${Number(v ?? 0).toLocaleString("en-US")}`;
const clock = (v: unknown) => (typeof v === "string" && v ? new Date(v).toISOString().slice(11, 19) : "?");

/**
 * A short human summary of an event's payload (proto JSON field names). Unknown types fall back
 * to the ids they carry, so a new event type still shows something useful.
 */
export function summarize(type: string, payload: unknown): string {
  if (typeof payload !== "object" || payload === null) return String(payload).slice(0, 120);
  const p = payload as Record<string, unknown>;
  const seats = Array.isArray(p.seatNumbers) ? `seats ${p.seatNumbers.join(",")}` : "";
  const parts = (...xs: (string | false | undefined)[]) => xs.filter(Boolean).join(" · ");
  switch (type) {
    case "SeatsHeld":
      return parts(`reservation ${p.reservationId}`, `user ${p.userId}`, `schedule ${p.scheduleId}`, seats, krw(p.totalPrice), `until ${clock(p.heldUntil)}`);
    case "SeatsOffered":
      return parts(`reservation ${p.reservationId}`, `user ${p.userId}`, `schedule ${p.scheduleId}`, seats, krw(p.totalPrice), `waiting-list entry ${p.waitingListEntryId}`, `until ${clock(p.heldUntil)}`);
    case "ReservationCancelled":
    case "ReservationExpired":
      return parts(`reservation ${p.reservationId}`, `user ${p.userId}`, `schedule ${p.scheduleId}`, seats, "released");
    case "ReservationConfirmed":
      return parts(`reservation ${p.reservationId}`, `user ${p.userId}`, `schedule ${p.scheduleId}`, seats, krw(p.totalPrice), `payment ${p.paymentId}`, p.latePayment === true && "late");
    case "BalanceCharged":
      return parts(`user ${p.userId}`, `+${krw(p.amount)}`, `balance ${krw(p.balance)}`);
    case "PaymentCompleted":
      return parts(`payment ${p.paymentId}`, `reservation ${p.reservationId}`, `user ${p.userId}`, `-${krw(p.amount)}`, `balance ${krw(p.balance)}`);
    case "TokenIssued":
      return parts(`concert ${p.concertId}`, `user ${p.userId}`, `position ${p.position ?? 0}`);
    case "TokenActivated":
      return parts(`concert ${p.concertId}`, `user ${p.userId}`, `active until ${clock(p.expiresAt)}`);
    case "TokenExpired":
      return parts(`concert ${p.concertId}`, `user ${p.userId}`, `reason ${p.reason ?? "?"}`);
    default:
      return Object.entries(p)
        .filter(([k]) => k.endsWith("Id"))
        .map(([k, v]) => `${k.slice(0, -2)} ${v}`)
        .join(" · ");
  }
}

/** The --json line of an event: stable field names for jq. */
export function eventJson(e: TailedEvent) {
  return {
    time: e.time.toISOString(),
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
    key: e.key,
    eventId: e.eventId,
    type: e.type,
    event: e.payload,
  };
}

/** The plain (non-TTY) line of an event. */
export function eventLine(e: TailedEvent): string {
  return [e.time.toISOString(), e.topic, e.type, `key=${e.key}`, summarize(e.type, e.payload)].join("  ");
}
