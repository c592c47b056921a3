import type { Interceptor } from "@connectrpc/connect";
import { kAuth, kReplayCheck } from "../rpc/context-keys.js";
import { idOf } from "../shared/ids.js";
import type { IdempotencyStore } from "./idempotency.store.js";
import { requestHash } from "./request-hash.js";

const PAY = "concert.v1.PaymentService/Pay";

/**
 * A Pay whose idempotency key already holds the result of the same request is a replay. A client that
 * retries Pay after losing the answer has, by then, a token the payment itself ended; SPEC promises it
 * the first result, so the queue-token check (which runs inside this interceptor) asks this lazily.
 */
export function createPayReplayInterceptor(store: IdempotencyStore): Interceptor {
  return (next) => async (req) => {
    const auth = req.contextValues.get(kAuth);
    if (!req.stream && auth && `${req.service.typeName}/${req.method.name}` === PAY) {
      const m = req.message as unknown as { reservationId: bigint; idempotencyKey: string };
      req.contextValues.set(kReplayCheck, () =>
        store.hasResult(auth.userId, m.idempotencyKey, requestHash("Pay", { reservationId: idOf(m.reservationId) })),
      );
    }
    return next(req);
  };
}
