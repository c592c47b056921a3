import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RedisQueueStore } from "../../server/queue/queue.store.redis.js";
import { QueueTokenSigner } from "../../server/queue/queue-token.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { issue, newConcert, statusOf } from "./queue-helpers.js";

let server: TestServer;
beforeAll(async () => {
  // No background workers: every command the spy sees is the calls' own.
  server = await startTestServer({ runWorkers: false });
});
afterAll(() => server?.close());

/** The names of the commands the server's Redis client sends while `body` runs. */
async function commandsOf(body: () => Promise<unknown>): Promise<string[]> {
  const redis = server.app.infra.redis;
  const sent = vi.spyOn(redis, "sendCommand");
  try {
    await body();
    // ioredis sends a script's first run on a connection as EVAL (with its text), later ones as EVALSHA.
    return sent.mock.calls.map((c) => (c[0] as { name: string }).name.replace(/^evalsha$/, "eval"));
  } finally {
    sent.mockRestore();
  }
}

describe("one Redis round trip per waiting-room call (issue 11)", () => {
  it("IssueToken of a new fan and GetQueueStatus each send one script, and GetQueueStatus answers with what the token check read", async () => {
    const { concertId } = await newConcert(server.url);
    // The first call for a concert may restore its opening and policy and list it for the ticker.
    await issue(server.url, concertId, 71_000);
    let token = "";
    expect(await commandsOf(async () => (token = (await issue(server.url, concertId, 71_001)).token))).toEqual(["eval"]);
    expect(await commandsOf(() => statusOf(server.url, 71_001, token))).toEqual(["eval"]);
  });

  it("negative control: a status read is one script the spy sees, so a handler that read again would show two", async () => {
    const { concertId } = await newConcert(server.url);
    const t = await issue(server.url, concertId, 72_001);
    const claims = new QueueTokenSigner(server.app.infra.config.queueTokenSecret).verify(t.token)!;
    const store = new RedisQueueStore(server.app.infra.redis, { activeTtlSeconds: 60, defaultMaxActive: 100 });
    expect(await commandsOf(async () => {
      await statusOf(server.url, 72_001, t.token);
      await store.status(claims.concertId, claims.userId, claims.entryId);
    })).toEqual(["eval", "eval"]);
  });
});
