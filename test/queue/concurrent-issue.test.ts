import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { bearer } from "../support/auth.js";
import { clientFor, type Protocol } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adminClient, newConcert, pool, QueueState, setMaxActive } from "./queue-helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const FANS = 1_000;

describe("1,000 concurrent IssueToken calls", () => {
  it("give 1,000 distinct tokens whose positions are exactly 1..1000, and repeating them changes nothing", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 0); // everyone waits, so positions are the whole story
    const headers = await Promise.all(Array.from({ length: FANS }, (_, i) => bearer(10_000 + i)));
    // Several connections and both wire protocols: 4 HTTP/2 gRPC sessions plus HTTP/1.1 Connect sockets.
    const protocols: Protocol[] = ["grpc", "grpc", "grpc", "grpc", "connect"];
    const clients = protocols.map((protocol) => clientFor(QueueService, server.url, { protocol }));
    const issueAll = () =>
      pool(FANS, 100, async (i) => {
        const client = clients[i % clients.length];
        return (await client.issueToken({ concertId: BigInt(concertId) }, { headers: headers[i] })).ticket!;
      });

    const tickets = await issueAll();
    expect(new Set(tickets.map((t) => t.token)).size).toBe(FANS);
    expect(tickets.every((t) => t.state === QueueState.WAITING)).toBe(true);
    const positions = tickets.map((t) => Number(t.position)).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: FANS }, (_, i) => i + 1));

    // The line as operators see it agrees with what each fan was told.
    const { entries } = await (await adminClient(server.url)).listQueue({ concertId: BigInt(concertId), offset: 0, limit: 1000 });
    expect(entries).toHaveLength(FANS);
    const told = new Map(tickets.map((t, i) => [10_000 + i, t.position]));
    for (const e of entries) expect(e.position).toBe(told.get(Number(e.userId)));

    const again = await issueAll();
    expect(again.map((t) => t.token)).toEqual(tickets.map((t) => t.token));
    expect(again.map((t) => t.position)).toEqual(tickets.map((t) => t.position));
  });
});
