import { fromJsonString } from "@bufbuild/protobuf";
import {
  ReservationCancelledSchema,
  ReservationConfirmedSchema,
  ReservationExpiredSchema,
  SeatsHeldSchema,
  SeatsOfferedSchema,
} from "../../gen/concert/v1/events_pb.js";

/** What one event changes in the projection: seat counts and money of one schedule (and its concert). */
export interface SalesDelta {
  concertId: number;
  scheduleId: number;
  held: number;
  sold: number;
  revenue: number;
}

/**
 * Reads an event (event-type header + protobuf JSON value) as a change of counts. Held is seats in a
 * live hold: up on SeatsHeld and SeatsOffered (a waiting-list offer), down when the hold ends (cancelled, expired, or confirmed, which moves the
 * seats to sold and adds the amount paid to revenue). Other events (payment-events) change no count;
 * revenue comes from ReservationConfirmed only, so PaymentCompleted would count it twice. A late payment
 * of a released hold comes as SeatsHeld (re-held) then ReservationConfirmed, so held goes up and back
 * down and sold and revenue count it once. Unknown
 * types return null. Throws on a payload that is not the JSON of its type.
 */
export function salesDeltaOf(eventType: string, payload: string): SalesDelta | null {
  const opts = { ignoreUnknownFields: true };
  switch (eventType) {
    case "SeatsHeld": {
      const e = fromJsonString(SeatsHeldSchema, payload, opts);
      return delta(e, e.seatNumbers.length, 0, 0);
    }
    case "SeatsOffered": {
      // A waiting-list offer is a hold the server made: held like any other, until paid or released.
      const e = fromJsonString(SeatsOfferedSchema, payload, opts);
      return delta(e, e.seatNumbers.length, 0, 0);
    }
    case "ReservationCancelled": {
      const e = fromJsonString(ReservationCancelledSchema, payload, opts);
      return delta(e, -e.seatNumbers.length, 0, 0);
    }
    case "ReservationExpired": {
      const e = fromJsonString(ReservationExpiredSchema, payload, opts);
      return delta(e, -e.seatNumbers.length, 0, 0);
    }
    case "ReservationConfirmed": {
      const e = fromJsonString(ReservationConfirmedSchema, payload, opts);
      return delta(e, -e.seatNumbers.length, e.seatNumbers.length, Number(e.totalPrice));
    }
    default:
      return null;
  }
}

function delta(e: { concertId: bigint; scheduleId: bigint }, held: number, sold: number, revenue: number): SalesDelta | null {
  const concertId = Number(e.concertId);
  const scheduleId = Number(e.scheduleId);
  if (!(concertId > 0 && scheduleId > 0)) throw new Error("event names no concert or schedule");
  return { concertId, scheduleId, held, sold, revenue };
}
