import { QueueService, QueueState } from "../../gen/concert/v1/queue_pb.js";
import { bearer } from "./auth.js";
import { clientFor } from "./clients.js";

/**
 * Puts a user through the waiting room of a concert via the API and returns their queue token once
 * it is ACTIVE (with the default QUEUE_MAX_ACTIVE of 100 that is at once when there is room).
 * Send it as `x-queue-token` on ListSchedules, ListSeats, HoldSeats, CancelReservation and Pay.
 */
export async function admit(baseUrl: string, concertId: number, userId: number, opts: { timeoutMs?: number } = {}): Promise<string> {
  const headers = await bearer(userId);
  const issued = await clientFor(QueueService, baseUrl, { headers }).issueToken({ concertId: BigInt(concertId) });
  const token = issued.ticket!.token;
  if (issued.ticket!.state === QueueState.ACTIVE) return token;
  const queue = clientFor(QueueService, baseUrl, { headers: { ...headers, "x-queue-token": token } });
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const { ticket } = await queue.getQueueStatus({});
    if (ticket!.state === QueueState.ACTIVE) return token;
    if (ticket!.state === QueueState.EXPIRED) throw new Error(`queue token of user ${userId} expired before it became ACTIVE`);
    if (Date.now() > deadline) {
      throw new Error(`user ${userId} still waiting at position ${ticket!.position} for concert ${concertId}; is max_active 0 or the line full?`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
