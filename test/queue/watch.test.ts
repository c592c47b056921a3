import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { QueueService, type WatchQueueStatusResponse } from "../../gen/concert/v1/queue_pb.js";
import { bearer } from "../support/auth.js";
import { grpcJsClient, metadataOf } from "../support/grpc-js.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adminClient, issue, leave, newConcert, QueueState, queueClient, setMaxActive, waitFor } from "./queue-helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface Seen {
  updates: Array<{ state: QueueState; position: bigint }>;
  ended: Promise<void>;
}

/** WatchQueueStatus through the Connect protocol (connect-node client). */
async function watchWithConnect(userId: number, token: string): Promise<Seen> {
  const client = await queueClient(server.url, userId, token, "connect");
  const updates: Seen["updates"] = [];
  const ended = (async () => {
    for await (const res of client.watchQueueStatus({})) updates.push({ state: res.ticket!.state, position: res.ticket!.position });
  })();
  return { updates, ended };
}

/** WatchQueueStatus through a plain @grpc/grpc-js client (HTTP/2 gRPC, as mobile apps call it). */
async function watchWithGrpcJs(userId: number, token: string): Promise<Seen & { client: grpc.Client }> {
  const client = grpcJsClient(QueueService, `127.0.0.1:${server.port}`);
  const call: grpc.ClientReadableStream<WatchQueueStatusResponse> = client.watchQueueStatus(
    {},
    metadataOf({ ...(await bearer(userId)), "x-queue-token": token }),
  );
  const updates: Seen["updates"] = [];
  call.on("data", (res: WatchQueueStatusResponse) => updates.push({ state: res.ticket!.state, position: res.ticket!.position }));
  const ended = new Promise<void>((resolve, reject) => {
    call.on("end", () => resolve());
    call.on("error", reject);
  });
  return { updates, ended, client };
}

describe("WatchQueueStatus", () => {
  it("streams falling positions and ends after ACTIVE, over Connect and over grpc-js", async () => {
    const { concertId } = await newConcert(server.url);
    await setMaxActive(server.url, concertId, 1);
    const tokens = new Map<number, string>();
    tokens.set(1, await admit(server.url, concertId, 1));
    for (const u of [2, 3, 4]) tokens.set(u, (await issue(server.url, concertId, u)).token);

    const viaConnect = await watchWithConnect(4, tokens.get(4)!);
    const viaGrpc = await watchWithGrpcJs(3, tokens.get(3)!);
    const last = (s: Seen) => s.updates[s.updates.length - 1];
    await waitFor(async () => viaConnect.updates.length > 0 && viaGrpc.updates.length > 0, 2_000, "first updates");
    expect(last(viaConnect)).toEqual({ state: QueueState.WAITING, position: 3n });
    expect(last(viaGrpc)).toEqual({ state: QueueState.WAITING, position: 2n });

    // Each leave frees the slot; the head is admitted and everyone behind moves up one place.
    await leave(server.url, 1, tokens.get(1)!);
    await waitFor(async () => last(viaConnect).position === 2n && last(viaGrpc).position === 1n, 2_000, "positions to fall");
    await leave(server.url, 2, tokens.get(2)!);
    await waitFor(async () => last(viaGrpc).state === QueueState.ACTIVE, 2_000, "user 3 ACTIVE");
    await viaGrpc.ended; // the stream ends by itself after ACTIVE
    viaGrpc.client.close();
    await waitFor(async () => last(viaConnect).position === 1n, 2_000, "user 4 to be first in line");
    await leave(server.url, 3, tokens.get(3)!);
    await viaConnect.ended;

    expect(viaGrpc.updates).toEqual([
      { state: QueueState.WAITING, position: 2n },
      { state: QueueState.WAITING, position: 1n },
      { state: QueueState.ACTIVE, position: 0n },
    ]);
    expect(viaConnect.updates).toEqual([
      { state: QueueState.WAITING, position: 3n },
      { state: QueueState.WAITING, position: 2n },
      { state: QueueState.WAITING, position: 1n },
      { state: QueueState.ACTIVE, position: 0n },
    ]);
  });

  it("ends at once for a token that is already ACTIVE or EXPIRED, and ends with EXPIRED when the fan is removed", async () => {
    const { concertId } = await newConcert(server.url);
    const active = await admit(server.url, concertId, 10);
    const a = await watchWithConnect(10, active);
    await a.ended;
    expect(a.updates).toEqual([{ state: QueueState.ACTIVE, position: 0n }]);
    await leave(server.url, 10, active);
    const e = await watchWithConnect(10, active);
    await e.ended;
    expect(e.updates).toEqual([{ state: QueueState.EXPIRED, position: 0n }]);

    await setMaxActive(server.url, concertId, 0);
    const waiting = await issue(server.url, concertId, 11);
    const w = await watchWithConnect(11, waiting.token);
    await waitFor(async () => w.updates.length === 1, 2_000, "first update");
    await (await adminClient(server.url)).removeFromQueue({ concertId: BigInt(concertId), userId: 11n });
    await w.ended;
    expect(w.updates).toEqual([
      { state: QueueState.WAITING, position: 1n },
      { state: QueueState.EXPIRED, position: 0n },
    ]);
  });
});
