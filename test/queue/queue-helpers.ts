import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { QueueService, QueueState, type QueueTicket } from "../../gen/concert/v1/queue_pb.js";
import { bearer } from "../support/auth.js";
import { clientFor, type Protocol } from "../support/clients.js";

export const ADMIN_ID = 999_999;

export async function adminClient(url: string) {
  return clientFor(AdminService, url, { headers: await bearer(ADMIN_ID, { admin: true }) });
}

/** A concert (and one schedule) created through the API. */
export async function newConcert(url: string, title = "Queue test"): Promise<{ concertId: number; scheduleId: number }> {
  const admin = await adminClient(url);
  const { concert } = await admin.createConcert({ title, artist: "A", venue: "V", description: "" });
  const { schedule } = await admin.addSchedule({
    concertId: concert!.id,
    date: "2030-05-01",
    startsAt: timestampFromDate(new Date("2030-05-01T10:00:00Z")),
    grades: [{ grade: "R", count: 10, price: 1000n }],
  });
  return { concertId: Number(concert!.id), scheduleId: Number(schedule!.id) };
}

export async function setMaxActive(url: string, concertId: number, maxActive: number) {
  await (await adminClient(url)).setQueuePolicy({ concertId: BigInt(concertId), maxActive });
}

export async function queueClient(url: string, userId: number, token?: string, protocol: Protocol = "connect") {
  const headers: Record<string, string> = await bearer(userId);
  if (token) headers["x-queue-token"] = token;
  return clientFor(QueueService, url, { headers, protocol });
}

export async function issue(url: string, concertId: number, userId: number): Promise<QueueTicket> {
  return (await (await queueClient(url, userId)).issueToken({ concertId: BigInt(concertId) })).ticket!;
}

export async function statusOf(url: string, userId: number, token: string): Promise<QueueTicket> {
  return (await (await queueClient(url, userId, token)).getQueueStatus({})).ticket!;
}

export async function leave(url: string, userId: number, token: string): Promise<void> {
  await (await queueClient(url, userId, token)).leaveQueue({});
}

/** Polls until the predicate holds or the time is up; returns how long it took. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs tasks with at most `limit` in flight. */
export async function pool<T>(n: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

export { QueueState };
