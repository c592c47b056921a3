import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { uniqueId } from "../support/env.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";

/**
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: a server process with the variable unset loads no
 * OpenTelemetry SDK or exporter module, sends nothing to a receiver, and stores no traceparent with its
 * outbox rows, even with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (which the SDK's exporter would honour by
 * itself) pointing at the receiver. The same process with the variable set is the control: the probe
 * does see the SDK, the receiver gets spans and the row a traceparent.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

interface Result {
  loaded: string[];
  traceparent: string | null;
  sent: boolean;
}

function runPurchase(env: Record<string, string>): Promise<Result> {
  const id = uniqueId("off");
  const child = spawn(process.execPath, ["--import", "tsx", "test/tracing/support/purchase-main.ts"], {
    cwd: process.cwd(),
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OTEL_"))),
      APP_ENV: "local",
      LOG_LEVEL: "silent",
      DATABASE_URL: db.url,
      REDIS_KEY_PREFIX: `test:${id}:`,
      KAFKA_TOPIC_PREFIX: `${id}.`,
      SALES_PROJECTION_GROUP_ID: `${id}.sales`,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 170_000);
    child.once("exit", (code) => {
      clearTimeout(kill);
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`purchase process exited ${code}: ${out}\n${err}`));
      else resolve(JSON.parse(line) as Result);
    });
  });
}

describe("tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset)", () => {
  it("loads no SDK, exports nothing and stores no traceparent; set, the same process does all three", { timeout: 360_000 }, async () => {
    const off = await runPurchase({});
    expect(off.sent).toBe(true);
    expect(off.loaded.filter((m) => m !== "@opentelemetry/api")).toEqual([]);
    expect(off.traceparent).toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests()).toBe(0);

    // Control: the probe and the receiver do see tracing when it is on.
    const on = await runPurchase({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(on.sent).toBe(true);
    expect(on.loaded).toEqual(expect.arrayContaining(["@opentelemetry/sdk-trace-node", "@opentelemetry/exporter-trace-otlp-http"]));
    expect(on.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(receiver.requests()).toBeGreaterThan(0);
    expect(receiver.spans().some((s) => s.name === "concert.v1.ReservationService/HoldSeats")).toBe(true);
  });
});
