import type { ServiceImpl } from "@connectrpc/connect";
import type { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { idOf } from "../shared/ids.js";
import { callerOf } from "../rpc/caller.js";
import { reservationToProto } from "../reservation/reservation.mapper.js";
import type { ChargeBalance } from "./charge-balance.js";
import type { GetBalance } from "./get-balance.js";
import type { Pay } from "./pay.js";
import { paymentToProto } from "./payment.mapper.js";

export interface PaymentHandlerDeps {
  getBalance: GetBalance;
  chargeBalance: ChargeBalance;
  pay: Pay;
}

/** PaymentService: protobuf <-> use cases. */
export function createPaymentHandler(d: PaymentHandlerDeps): ServiceImpl<typeof PaymentService> {
  return {
    async getBalance(_req, ctx) {
      return { balance: BigInt(await d.getBalance.execute({ userId: callerOf(ctx) })) };
    },
    async chargeBalance(req, ctx) {
      // int64 within 1..10,000,000 by validation, so Number() is exact.
      const balance = await d.chargeBalance.execute({ userId: callerOf(ctx), amount: Number(req.amount), idempotencyKey: req.idempotencyKey });
      return { balance: BigInt(balance) };
    },
    async pay(req, ctx) {
      const r = await d.pay.execute({ userId: callerOf(ctx), reservationId: idOf(req.reservationId), idempotencyKey: req.idempotencyKey });
      return { payment: paymentToProto(r.payment), reservation: reservationToProto(r.reservation) };
    },
  };
}
