/**
 * Data a scenario needs before its load starts (not timed): concerts and schedules through the admin
 * RPCs, users and balances in bulk SQL, queue tokens through IssueToken or signed for entries written
 * straight into Redis, and the JWTs every simulated fan sends.
 */
import { SignJWT } from "jose";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Sequelize } from "sequelize";
import { AdminService } from "../../gen/concert/v1/admin_pb.js";
import { DEV_AUTH_JWT_SECRET, DEV_QUEUE_TOKEN_SECRET } from "../../server/config/config.js";
import { QueueTokenSigner } from "../../server/queue/queue-token.js";

const jwtKey = new TextEncoder().encode(DEV_AUTH_JWT_SECRET);
export const queueSigner = new QueueTokenSigner(DEV_QUEUE_TOKEN_SECRET);

export async function jwt(userId: number, admin = false): Promise<string> {
  return new SignJWT(admin ? { role: "admin" } : {}).setProtectedHeader({ alg: "HS256" }).setSubject(String(userId))
    .setIssuedAt().setExpirationTime("2h").sign(jwtKey);
}

export async function jwts(userIds: number[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < userIds.length; i += 2000) out.push(...(await Promise.all(userIds.slice(i, i + 2000).map((u) => jwt(u)))));
  return out;
}

export const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

export async function adminClient(url: string) {
  const token = await jwt(1, true);
  const transport = createConnectTransport({
    baseUrl: url,
    httpVersion: "1.1",
    interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))],
  });
  return createClient(AdminService, transport);
}

export type Admin = Awaited<ReturnType<typeof adminClient>>;

/** A concert with one schedule of `seats` seats (price 1,000 each), and its queue policy. */
export async function concertWithSeats(admin: Admin, title: string, seats: number, maxActive: number) {
  const { concert } = await admin.createConcert({ title, artist: "Bench", venue: "Bench Hall", description: "" });
  const { schedule } = await admin.addSchedule({
    concertId: concert!.id,
    date: "2030-05-01",
    startsAt: timestampFromDate(new Date("2030-05-01T10:00:00Z")),
    grades: [{ grade: "R", count: seats, price: 1_000n }],
  });
  await admin.setQueuePolicy({ concertId: concert!.id, maxActive });
  return { concertId: Number(concert!.id), scheduleId: Number(schedule!.id) };
}

/** Users with a balance, in bulk SQL (a signed-up fan who topped up before the sale). */
export async function usersWithBalance(db: Sequelize, userIds: number[], balance: number): Promise<void> {
  for (let i = 0; i < userIds.length; i += 1000) {
    const chunk = userIds.slice(i, i + 1000);
    await db.query(`INSERT IGNORE INTO users (id, created_at) VALUES ${chunk.map(() => "(?, NOW(3))").join(",")}`, { replacements: chunk });
    await db.query(`INSERT INTO balances (user_id, balance, updated_at) VALUES ${chunk.map(() => `(?, ${balance}, NOW(3))`).join(",")}
      ON DUPLICATE KEY UPDATE balance = VALUES(balance)`, { replacements: chunk });
  }
}

/** IssueToken for each user through the API (Connect JSON), `concurrency` at a time; returns tokens and states. */
export async function issueTokens(url: string, concertId: number, userIds: number[], tokens: string[], concurrency = 24) {
  const out: Array<{ token: string; state: string }> = new Array(userIds.length);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < userIds.length) {
      const i = next++;
      const res = await fetch(`${url}/concert.v1.QueueService/IssueToken`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i]}` },
        body: JSON.stringify({ concertId: String(concertId) }),
      });
      const body = (await res.json()) as any;
      if (!res.ok) throw new Error(`IssueToken for user ${userIds[i]} failed: ${JSON.stringify(body)}`);
      out[i] = { token: body.ticket.token, state: body.ticket.state };
    }
  }));
  return out;
}
