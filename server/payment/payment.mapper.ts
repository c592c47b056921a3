import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { PaymentSchema, type Payment as PaymentMsg } from "../../gen/concert/v1/payment_pb.js";
import type { Payment } from "./payment.js";

export const paymentToProto = (p: Payment): PaymentMsg =>
  create(PaymentSchema, {
    id: BigInt(p.id),
    reservationId: BigInt(p.reservationId),
    userId: BigInt(p.userId),
    amount: BigInt(p.amount),
    paidAt: timestampFromDate(p.paidAt),
  });
