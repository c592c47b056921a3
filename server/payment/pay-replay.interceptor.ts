import type { ReplayCheck } from "../queue/replay-check.js";
import { idOf } from "../shared/ids.js";
import type { IdempotencyStore } from "./idempotency.store.js";
import { requestHash } from "./request-hash.js";

/** A Pay whose idempotency key already holds the result of the same request is a replay. */
export function createPayReplayCheck(store: IdempotencyStore): ReplayCheck {
  return {
    async isReplay(rpc, userId, message) {
      if (rpc !== "concert.v1.PaymentService/Pay") return false;
      const m = message as { reservationId: bigint; idempotencyKey: string };
      return store.hasResult(userId, m.idempotencyKey, requestHash("Pay", { reservationId: idOf(m.reservationId) }));
    },
  };
}
