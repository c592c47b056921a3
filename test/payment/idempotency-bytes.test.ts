import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { QueryTypes } from "sequelize";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { createMigrator } from "../../server/db/migrator.js";
import { createSequelize } from "../../server/db/sequelize.js";
import { bearer } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { createTestDatabase } from "../support/database.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("idempotency keys are compared byte for byte (SPEC 7.2)", () => {
  it("keys differing only in case or a trailing space are different charges; the same bytes replay", async () => {
    const payments = clientFor(PaymentService, server.url, { headers: await bearer(41) });
    const charge = (amount: number, key: string) => payments.chargeBalance({ amount: BigInt(amount), idempotencyKey: key });
    await charge(100, "Key-X");
    await charge(200, "key-x");
    await charge(400, "KEY-X ");
    await charge(800, "S2V5LVg=");
    await charge(1600, "s2v5lvg=");
    const replay = await charge(100, "Key-X");
    expect(Number(replay.balance)).toBe(100); // the first result, no second effect
    expect(Number((await payments.getBalance({})).balance)).toBe(3100);
    const reused = await charge(999, "key-x").catch((e) => e);
    expect(reused).toBeInstanceOf(ConnectError);
    expect((reused as ConnectError).code).toBe(Code.InvalidArgument);
  });

  it("the migration keeps existing keys on a table that holds them, and they stop colliding", async () => {
    const database = await createTestDatabase({ migrate: false });
    const db = createSequelize(database.url);
    try {
      await createMigrator(db).up({ to: "0003-sales-projection" });
      const insert = (key: string) =>
        db.query("INSERT INTO idempotency_records (user_id, idempotency_key, request_hash, response, created_at) VALUES (1, ?, ?, 'r', NOW(3))", {
          replacements: [key, "h".repeat(64)],
        });
      await insert("Key-1");
      await insert("Ключ-2");
      // Before 0004 (negative control): the case- and space-insensitive collation makes these the same key.
      await expect(insert("key-1")).rejects.toMatchObject({ name: "SequelizeUniqueConstraintError" });
      await expect(insert("Key-1 ")).rejects.toMatchObject({ name: "SequelizeUniqueConstraintError" });

      await createMigrator(db).up();
      const keys = await db.query<{ k: string }>("SELECT HEX(idempotency_key) AS k FROM idempotency_records ORDER BY k", { type: QueryTypes.SELECT });
      expect(keys.map((r) => Buffer.from(r.k, "hex").toString("utf8")).sort()).toEqual(["Key-1", "Ключ-2"].sort());
      await insert("key-1");
      await insert("Key-1 ");
      await insert("ключ-2");
      const [{ n }] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM idempotency_records", { type: QueryTypes.SELECT });
      expect(Number(n)).toBe(5);
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
