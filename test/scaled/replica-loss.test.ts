import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { readRoutingOf } from "../../server/db/read-routing.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
// @ts-expect-error plain ESM helper without types
import { MARIADB_REPLICA_PORT, replicaStatus, startMariadbNode, stopMariadbNode } from "../../scripts/infra/mariadb-replica.mjs";
import { clientFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { seedConcert } from "../support/booking-api.js";

const REPLICA = `mysql-replica:127.0.0.1:${MARIADB_REPLICA_PORT}`;

describe("MariaDB: the read replica stops (scaled topology)", () => {
  let srv: TestServer;
  let stopped = false;
  beforeAll(async () => {
    srv = await startTestServer();
    expect(srv.config.databaseReadUrls).toHaveLength(1);
  });
  afterAll(async () => {
    if (stopped) await restartReplica();
    await srv?.close();
  });

  async function restartReplica() {
    await startMariadbNode("replica");
    await waitFor(() => replicaStatus().Slave_SQL_Running === "Yes" && replicaStatus().Slave_IO_Running === "Yes", { timeoutMs: 60_000, what: "replication running again" });
    stopped = false;
  }

  const readyz = async () => {
    const res = await fetch(`${srv.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, string>; errors?: Record<string, string> } };
  };

  it("catalogue reads use the caught-up replica, fall back to the primary while it is down, and /readyz names it", async () => {
    const routing = readRoutingOf(srv.app.infra.db)!;
    const concerts = clientFor(ConcertService, srv.url);
    const { concertId } = await seedConcert(srv.url, [{ grade: "R", count: 5, price: 1_000n }]);

    // Up: written on the primary, read at once from the replica (it waits for the primary's GTID).
    const before = routing.counts.replica;
    expect((await concerts.getConcert({ concertId: BigInt(concertId) })).concert?.id).toBe(BigInt(concertId));
    expect((await concerts.listConcerts({})).concerts.map((c) => Number(c.id))).toContain(concertId);
    expect(routing.counts.replica).toBeGreaterThan(before);
    expect((await readyz()).body.checks[REPLICA]).toBe("up");

    await stopMariadbNode("replica");
    stopped = true;

    // Down: /readyz is 503 and names the replica, everything else up ...
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.checks[REPLICA]).toBe("down");
    expect(Object.entries(down.body.checks).filter(([, v]) => v === "down").map(([k]) => k)).toEqual([REPLICA]);
    expect(down.body.errors?.[REPLICA]).toBeTruthy();

    // ... and the reads still answer, from the primary, including what was written meanwhile.
    const primaryBefore = routing.counts.primary;
    const { concertId: newer } = await seedConcert(srv.url, [{ grade: "R", count: 3, price: 1_000n }]);
    expect((await concerts.listConcerts({})).concerts.map((c) => Number(c.id))).toEqual(expect.arrayContaining([concertId, newer]));
    expect((await concerts.getConcert({ concertId: BigInt(newer) })).concert?.id).toBe(BigInt(newer));
    expect(routing.counts.primary).toBeGreaterThan(primaryBefore);

    // Back: replication resumes from its GTID position, /readyz is 200 again and reads return to the replica.
    await restartReplica();
    await waitFor(async () => (await readyz()).status === 200, { timeoutMs: 30_000, what: "/readyz 200 after the replica is back" });
    await new Promise((r) => setTimeout(r, 2_100)); // the router skips a failed replica for 2 s
    const again = routing.counts.replica;
    expect((await concerts.listConcerts({})).concerts.map((c) => Number(c.id))).toEqual(expect.arrayContaining([concertId, newer]));
    expect(routing.counts.replica).toBeGreaterThan(again);
  });
});
