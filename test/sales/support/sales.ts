import type { Client } from "@connectrpc/connect";
import { AdminService } from "../../../gen/concert/v1/admin_pb.js";
import { waitFor } from "../../../scripts/infra/kafka.mjs";
import type { BookingSimulator } from "../../outbox/support/booking-simulator.js";

export type SalesView = { held: number; sold: number; revenue: number; schedules: Record<number, { held: number; sold: number; revenue: number }> };

/** GetSalesStats as plain numbers. */
export async function salesOf(admin: Client<typeof AdminService>, concertId: number): Promise<SalesView> {
  const r = await admin.getSalesStats({ concertId: BigInt(concertId) });
  return {
    held: Number(r.held),
    sold: Number(r.sold),
    revenue: Number(r.revenue),
    schedules: Object.fromEntries(r.schedules.map((s) => [Number(s.scheduleId), { held: Number(s.held), sold: Number(s.sold), revenue: Number(s.revenue) }])),
  };
}

export async function truthOf(sim: BookingSimulator, concertId: number): Promise<SalesView> {
  const t = await sim.truth(concertId);
  return { held: t.held, sold: t.sold, revenue: t.revenue, schedules: Object.fromEntries(t.schedules) };
}

/** Waits until the projection equals the database truth; on timeout the assertion shows both. */
export async function waitForProjection(admin: Client<typeof AdminService>, sim: BookingSimulator, concertId: number, timeoutMs = 60_000): Promise<SalesView> {
  const truth = await truthOf(sim, concertId);
  let last: SalesView | undefined;
  try {
    await waitFor(async () => JSON.stringify((last = await salesOf(admin, concertId))) === JSON.stringify(truth), { timeoutMs, intervalMs: 250, what: "projection to match the database" });
  } catch (e) {
    throw new Error(`${(e as Error).message}\nprojection: ${JSON.stringify(last)}\ntruth:      ${JSON.stringify(truth)}`);
  }
  return truth;
}
