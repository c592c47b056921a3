import type { Interceptor } from "@connectrpc/connect";
import { kAuth, kTokenWaiver } from "../rpc/context-keys.js";
import { idOf } from "../shared/ids.js";
import type { ReservationRepository } from "./reservation.repository.js";
import { needsNoQueueToken } from "./queue-token-waiver.js";

const WAIVABLE: Record<string, "Pay" | "CancelReservation"> = {
  "concert.v1.PaymentService/Pay": "Pay",
  "concert.v1.ReservationService/CancelReservation": "CancelReservation",
};

/**
 * Puts a lazy waiver into the request context of Pay and CancelReservation (kTokenWaiver): the queue-token
 * check asks it only when it would refuse the token, so the queue module knows nothing of offers or late
 * payments and a normal booking costs no extra read. Must run outside (before) the queue-token interceptor.
 */
export function createQueueTokenWaiverInterceptor(
  reservations: Pick<ReservationRepository, "findWithPaidAt">,
  latePayGraceSeconds: number,
  clock: () => Date = () => new Date(),
): Interceptor {
  return (next) => async (req) => {
    // Most calls leave at the first comparison, without building "<service>/<method>".
    if (req.stream || (req.method.name !== "Pay" && req.method.name !== "CancelReservation")) return next(req);
    const rpc = WAIVABLE[`${req.service.typeName}/${req.method.name}`];
    const auth = req.contextValues.get(kAuth);
    if (rpc && auth) {
      const id = idOf((req.message as unknown as { reservationId: bigint }).reservationId);
      req.contextValues.set(kTokenWaiver, async () => {
        const facts = id > 0 ? await reservations.findWithPaidAt(id) : undefined;
        return facts !== undefined && needsNoQueueToken(rpc, facts, auth.userId, clock(), latePayGraceSeconds);
      });
    }
    return next(req);
  };
}
