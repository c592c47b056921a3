import { describe, expect, it } from "vitest";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { accessOf } from "../../server/rpc/access-policy.js";

describe("access policy (fast tier)", () => {
  it("opens only the public catalogue, health and reflection", () => {
    expect(accessOf(ConcertService.typeName, "ListConcerts")).toBe("public");
    expect(accessOf(ConcertService.typeName, "GetConcert")).toBe("public");
    expect(accessOf("grpc.health.v1.Health", "Check")).toBe("public");
    expect(accessOf(ConcertService.typeName, "ListSeats")).toBe("user");
  });

  it("needs a JWT for every queue, booking and payment RPC, and the admin role for every AdminService RPC", () => {
    for (const s of [QueueService, ReservationService, PaymentService]) {
      for (const m of s.methods) expect(accessOf(s.typeName, m.name), `${s.typeName}/${m.name}`).toBe("user");
    }
    for (const m of AdminService.methods) expect(accessOf(AdminService.typeName, m.name)).toBe("admin");
  });

  it("closes an RPC nobody listed (a new RPC is not public by accident)", () => {
    expect(accessOf(ConcertService.typeName, "SomethingNew")).toBe("user");
  });
});
